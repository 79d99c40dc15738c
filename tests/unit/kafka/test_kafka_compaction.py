"""Log compaction (cleanup.policy=compact): the cleaner keeps the latest record of each key
in the segments before the active one, offsets stay (consumers see gaps), a tombstone
survives one cleaning and goes after delete.retention.ms, and keyless records are refused."""

from __future__ import annotations

from typing import Any

from mqsim import World
from mqsim.clients.default import using
from mqsim.confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from mqsim.kafka import KafkaCluster


def _cluster(world: World) -> KafkaCluster:
    cluster = KafkaCluster(
        world,
        brokers=2,
        config={"log.cleaner.backoff.ms": 1000, "log.retention.check.interval.ms": 3600000},
    )
    cluster.create_topic(
        "profiles",
        1,
        2,
        config={
            "cleanup.policy": "compact",
            "segment.bytes": 500,
            "delete.retention.ms": 10000,
        },
    )
    return cluster


def _send(producer: Producer, key: str, value: str | None) -> None:
    producer.produce("profiles", value, key)
    producer.flush(5)  # one batch per record: ~85 bytes, 5 per 500-byte segment


def _read_all() -> list[tuple[int, bytes, bytes | None]]:
    consumer = Consumer({"bootstrap.servers": "kafka-1:9092", "group.id": "reader"})
    consumer.assign([TopicPartition("profiles", 0, 0)])
    got = []
    for msg in consumer.consume(100, 2.0):
        if msg.error() is None:
            got.append((msg.offset(), msg.key(), msg.value()))
    consumer.close()
    return got


def test_compaction_keeps_the_latest_value_per_key_and_removes_tombstones_later() -> None:
    """Updates to alice, bob and carol, then a tombstone for bob: after a cleaning only the
    latest record per key remains (with its original offset); bob's tombstone stays until
    delete.retention.ms after that cleaning, then a later cleaning removes it."""
    world = World(seed=1, until="10m")
    cluster = _cluster(world)
    with using(world):
        producer = Producer({"bootstrap.servers": "kafka-1:9092", "linger.ms": 0})
        for i in range(3):
            for name in ("alice", "bob", "carol"):
                _send(producer, name, f"{name}-v{i}")
        _send(producer, "bob", None)  # offset 9: tombstone
        for i in range(5):
            _send(producer, "dave", f"dave-v{i}")  # fills the active segment
        world.advance(1.5)
        after_first = _read_all()
        world.advance(12)
        _send(producer, "erin", "erin-v0")  # new data makes the log dirty again
        for i in range(5, 12):
            _send(producer, "dave", f"dave-v{i}")
        world.advance(2)
        after_second = _read_all()
    # segments of 6 batches: 0-5, 6-11 cleaned; 12-14 is the active segment (not cleaned,
    # and not in the cleaner's key map, so dave@11 stays too)
    assert after_first == [
        (6, b"alice", b"alice-v2"),
        (8, b"carol", b"carol-v2"),
        (9, b"bob", None),
        (11, b"dave", b"dave-v1"),
        (12, b"dave", b"dave-v2"),
        (13, b"dave", b"dave-v3"),
        (14, b"dave", b"dave-v4"),
    ]
    assert after_second == [
        (6, b"alice", b"alice-v2"),
        (8, b"carol", b"carol-v2"),
        (15, b"erin", b"erin-v0"),
        (19, b"dave", b"dave-v8"),
        (20, b"dave", b"dave-v9"),
        (21, b"dave", b"dave-v10"),
        (22, b"dave", b"dave-v11"),
    ]
    dropped = world.trace.select("msg.drop", where=lambda r: r.get("reason") == "compacted")
    assert len(dropped) >= 7
    leader = cluster.partition("profiles", 0)
    follower = next(b for b in leader.replicas if b != leader.leader)
    assert [b.base_offset for b in leader.logs[leader.leader].batches] == [
        b.base_offset for b in leader.logs[follower].batches
    ]


def test_compacted_topic_refuses_records_without_a_key() -> None:
    """Kafka: 'Compacted topic cannot accept message without key': INVALID_RECORD."""
    world = World(seed=1, until="10m")
    _cluster(world)
    reports: list[Any] = []
    with using(world):
        producer = Producer({"bootstrap.servers": "kafka-1:9092"})
        producer.produce("profiles", b"no key", on_delivery=lambda err, _m: reports.append(err))
        producer.flush(5)
    assert [err.code() for err in reports] == [KafkaError.INVALID_RECORD]
