"""When offsets are committed decides what a crash costs: auto-commit (offsets stored when
poll() returns, committed in the background every auto.commit.interval.ms) can commit a
record that was never processed, so it is skipped; committing after processing redelivers
the record instead."""

from __future__ import annotations

from typing import Any

from mqsim import World
from mqsim.clients.default import using
from mqsim.confluent_kafka import Consumer, Producer
from mqsim.kafka import KafkaCluster


def _setup(world: World) -> None:
    cluster = KafkaCluster(world, brokers=1, config={"group.initial.rebalance.delay.ms": 0})
    cluster.create_topic("orders", 1)
    producer = Producer({"bootstrap.servers": "kafka-1:9092"})
    for i in range(6):
        producer.produce("orders", value=f"o{i}".encode())
    producer.flush(10)


def _consumer(**extra: Any) -> Consumer:
    consumer = Consumer(
        {
            "bootstrap.servers": "kafka-1:9092",
            "group.id": "billing",
            "auto.offset.reset": "earliest",
            **extra,
        }
    )
    consumer.subscribe(["orders"])
    return consumer


def _next(consumer: Consumer) -> Any:
    while True:
        msg = consumer.poll(1.0)
        if msg is not None and msg.error() is None:
            return msg


def test_auto_commit_before_processing_skips_the_record_in_progress_on_a_crash() -> None:
    """Each record takes 2 s to process; the auto-commit at 5 s commits o2's offset + 1
    while o2 is still being processed; the crash at 5.5 s loses o2 for good."""
    world = World(seed=11, until="10m")
    processed: list[bytes] = []
    with using(world):
        _setup(world)
        first = _consumer(**{"auto.commit.interval.ms": 5000})
        msg = _next(first)  # joining takes a moment; start the clock at the first record
        start = world.now
        while True:
            if world.now - start + 2.0 > 5.5:
                world.advance(start + 5.5 - world.now)  # crash in the middle of processing
                world.crash(first.client.name)
                break
            world.advance(2.0)
            processed.append(msg.value())
            msg = _next(first)
        in_progress = msg.value()
        second = _consumer()
        for _ in range(3):
            processed.append(_next(second).value())
    assert in_progress == b"o2"
    assert processed == [b"o0", b"o1", b"o3", b"o4", b"o5"]
    commits = world.trace.select("kafka.commit")
    assert commits[0].get("offset") == 3
    assert commits[0].get("ok") is True


def test_commit_after_processing_redelivers_the_record_in_progress_on_a_crash() -> None:
    """enable.auto.commit=false and commit() after each record: the crash between
    processing o2 and committing it delivers o2 again to the next member: a duplicate,
    never a loss."""
    world = World(seed=11, until="10m")
    processed: list[bytes] = []
    with using(world):
        _setup(world)
        first = _consumer(**{"enable.auto.commit": False})
        for _ in range(3):
            msg = _next(first)
            world.advance(2.0)
            processed.append(msg.value())
            if msg.value() == b"o2":
                world.crash(first.client.name)  # processed, not yet committed
                break
            first.commit(message=msg, asynchronous=False)
        second = _consumer(**{"enable.auto.commit": False})
        for _ in range(4):
            msg = _next(second)
            processed.append(msg.value())
            second.commit(message=msg, asynchronous=False)
    assert processed == [b"o0", b"o1", b"o2", b"o2", b"o3", b"o4", b"o5"]
    consumes = [r for r in world.trace.select("msg.consume") if r.get("offset") == 2]
    assert len(consumes) == 2
    assert consumes[0].msg == consumes[1].msg
