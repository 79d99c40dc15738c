"""Producer.purge(): queued records fail with _PURGE_QUEUE, records in flight with
_PURGE_INFLIGHT (their responses are ignored); reports come with the next poll()/flush()."""

from __future__ import annotations

from typing import Any

from mqsim import World
from mqsim.clients.default import using
from mqsim.confluent_kafka import KafkaError, Producer
from mqsim.kafka import KafkaCluster


def test_purge_fails_queued_and_in_flight_records() -> None:
    """One record in flight to a leader cut off by a partition, two more lingering: purge
    reports _PURGE_INFLIGHT for the first and _PURGE_QUEUE for the others."""
    world = World(seed=1, until="10m")
    cluster = KafkaCluster(world, brokers=1)
    cluster.create_topic("t", 1)
    broker = cluster.brokers[1].name
    reports: list[Any] = []

    def report(err: Any, msg: Any) -> None:
        reports.append((msg.value(), None if err is None else err.code()))

    with using(world):
        producer = Producer({"bootstrap.servers": broker, "linger.ms": 1000})
        producer.list_topics("t")
        world.partition(producer.client.name, broker)
        producer.produce("t", b"in-flight", on_delivery=report)
        producer.flush(0.01)  # sends it (flush ignores linger); it cannot arrive
        producer.produce("t", b"queued-1", on_delivery=report)
        producer.produce("t", b"queued-2", on_delivery=report)
        assert len(producer) == 3
        producer.purge()
        assert reports == []  # served by poll()/flush()
        assert producer.flush(1) == 0
        world.heal()
        world.advance(60)
    assert reports == [
        (b"in-flight", KafkaError._PURGE_INFLIGHT),
        (b"queued-1", KafkaError._PURGE_QUEUE),
        (b"queued-2", KafkaError._PURGE_QUEUE),
    ]
    assert cluster.records("t", 0) == []
