"""The tutorial's Kafka producer and consumer run unchanged (only the import) under mqsim."""

from __future__ import annotations

import pytest

from mqsim import Interrupted
from mqsim.clients.default import new_default_world, using
from mqsim.confluent_kafka import Consumer, Producer


def test_tutorial_producer_then_consumer_prints_the_payment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The producer auto-creates 'payments'; the consumer (earliest) receives the payment."""
    world = new_default_world(0, until="20s")
    with using(world):
        producer = Producer(**{"bootstrap.servers": "localhost:9092"})
        producer.produce("payments", key="Ali", value="Payment of 5000 PKR from Fatima")
        producer.flush()
        print(" [x] Message sent to Kafka topic 'payments'")
        consumer = Consumer(
            **{
                "bootstrap.servers": "localhost:9092",
                "group.id": "payment_group",
                "auto.offset.reset": "earliest",
            }
        )
        consumer.subscribe(["payments"])

        def loop() -> None:
            while True:
                msg = consumer.poll(1.0)
                if msg is None:
                    continue
                if msg.error():
                    print(f"Consumer error: {msg.error()}")
                    continue
                print(f" [x] Received payment: {msg.value().decode('utf-8')}")

        with pytest.raises(Interrupted):
            loop()
    assert capsys.readouterr().out == (
        " [x] Message sent to Kafka topic 'payments'\n"
        " [x] Received payment: Payment of 5000 PKR from Fatima\n"
    )
    kinds = [(r.kind, r.msg) for r in world.trace.select(prefix="msg.")]
    assert kinds == [
        ("msg.publish", "m1"),
        ("msg.store", "m1"),
        ("msg.confirm", "m1"),
        ("msg.deliver", "m1"),
        ("msg.consume", "m1"),
    ]
    commits = world.trace.select("kafka.commit")
    assert [(c.get("offset"), c.get("ok")) for c in commits] == [(1, True)]


def test_same_seed_same_trace() -> None:
    """Two runs with one seed give byte-identical traces."""

    def run() -> str:
        world = new_default_world(7, until="12s")
        with using(world):
            producer = Producer({"bootstrap.servers": "localhost:9092"})
            for i in range(20):
                producer.produce("t", value=f"v{i}")
            producer.flush()
            consumer = Consumer(
                {
                    "bootstrap.servers": "localhost:9092",
                    "group.id": "g",
                    "auto.offset.reset": "earliest",
                }
            )
            consumer.subscribe(["t"])

            def loop() -> None:
                while True:
                    consumer.poll(1.0)

            with pytest.raises(Interrupted):
                loop()
        return world.trace.dumps_jsonl()

    assert run() == run()
