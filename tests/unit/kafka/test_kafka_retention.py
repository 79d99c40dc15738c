"""Log retention: whole segments older than retention.ms, or beyond retention.bytes, are
deleted at the retention check; a consumer lagging behind the new log start gets
OFFSET_OUT_OF_RANGE on its next fetch and applies auto.offset.reset."""

from __future__ import annotations

from typing import Any

import pytest

from mqsim import World
from mqsim.clients.default import using
from mqsim.confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from mqsim.kafka import KafkaCluster


def _cluster(world: World, **topic_config: Any) -> KafkaCluster:
    cluster = KafkaCluster(
        world,
        brokers=1,
        config={"group.initial.rebalance.delay.ms": 0, "log.retention.check.interval.ms": 1000},
    )
    cluster.create_topic("events", 1, config={"segment.bytes": 1000, **topic_config})
    return cluster


def _produce(producer: Producer, first: int, count: int) -> None:
    for i in range(first, first + count):
        producer.produce("events", value=b"x" * 30, key=f"{i:04d}".encode())
        producer.flush(10)  # one batch per record: ~104 bytes each, 9 per 1000-byte segment


def test_time_retention_deletes_whole_old_segments_only() -> None:
    """retention.ms=60000: after a minute the first 18 records (2 full segments) go; the
    segment holding newer records stays whole."""
    world = World(seed=1, until="1h")
    cluster = _cluster(world, **{"retention.ms": 60000})
    with using(world):
        producer = Producer({"bootstrap.servers": "kafka-1:9092", "linger.ms": 0})
        _produce(producer, 0, 18)
        world.advance(30)
        _produce(producer, 18, 5)
        world.advance(35)  # the first 18 are 65 s old, the last 5 are 35 s old
    stats = cluster.partition("events", 0).statistics()
    assert stats.log_start_offset == 18
    assert stats.log_end_offset == 23
    assert next(k for _o, k, _v in cluster.records("events", 0)) == b"0018"
    drops = world.trace.select("msg.drop", where=lambda r: r.get("reason") == "retention")
    assert len(drops) == 18


def test_size_retention_keeps_the_log_under_retention_bytes() -> None:
    """retention.bytes=2000: a segment goes only while the excess over 2000 bytes covers
    it whole, so the log may stay above retention.bytes by less than one segment."""
    world = World(seed=1, until="1h")
    cluster = _cluster(world, **{"retention.bytes": 2000})
    with using(world):
        producer = Producer({"bootstrap.servers": "kafka-1:9092", "linger.ms": 0})
        _produce(producer, 0, 40)
        world.advance(2)
    log = cluster.partition("events", 0).leader_log
    assert log.bytes == 22 * 104  # 40 records of 104 bytes; 2 segments of 9 deleted
    assert 0 < log.bytes - 2000 < 9 * 104
    assert log.start_offset == 18
    assert log.end_offset == 40


@pytest.mark.parametrize(("reset", "first_key"), [("earliest", b"0018"), ("latest", None)])
def test_lagging_consumer_gets_offset_out_of_range_and_resets(
    reset: str, first_key: bytes | None
) -> None:
    """A consumer that committed offset 2 and comes back after retention deleted offsets
    0..17 fetches offset 2: OFFSET_OUT_OF_RANGE, then auto.offset.reset decides."""
    world = World(seed=1, until="1h")
    cluster = _cluster(world, **{"retention.ms": 60000})
    conf = {
        "bootstrap.servers": "kafka-1:9092",
        "group.id": "g",
        "auto.offset.reset": reset,
        "enable.auto.commit": False,
    }
    with using(world):
        producer = Producer({"bootstrap.servers": "kafka-1:9092", "linger.ms": 0})
        _produce(producer, 0, 18)
        consumer = Consumer({**conf, "auto.offset.reset": "earliest"})
        consumer.subscribe(["events"])
        msg = None
        while msg is None or msg.offset() != 1:
            msg = consumer.poll(1)
        consumer.commit(message=msg, asynchronous=False)
        consumer.close()
        world.advance(40)
        _produce(producer, 18, 5)
        world.advance(25)
        assert cluster.partition("events", 0).statistics().log_start_offset == 18
        consumer = Consumer(conf)
        consumer.subscribe(["events"])
        got = consumer.poll(5)
        if first_key is None:
            assert got is None
            _produce(producer, 23, 1)
            got = consumer.poll(5)
            first_key = b"0023"
        assert got is not None
        assert got.error() is None
        assert got.key() == first_key
    fetch_errors = [
        r
        for r in world.trace.select("kafka.offset_reset")
        if r.get("error") == "OFFSET_OUT_OF_RANGE"
    ]
    assert [r.get("offset") for r in fetch_errors] == [2]


def test_auto_offset_reset_error_reports_the_out_of_range_fetch() -> None:
    """auto.offset.reset=error: poll() returns _AUTO_OFFSET_RESET instead of skipping."""
    world = World(seed=1, until="1h")
    _cluster(world, **{"retention.ms": 60000})
    conf = {"bootstrap.servers": "kafka-1:9092", "group.id": "g", "auto.offset.reset": "error"}
    with using(world):
        producer = Producer({"bootstrap.servers": "kafka-1:9092", "linger.ms": 0})
        _produce(producer, 0, 18)
        world.advance(70)
        _produce(producer, 18, 1)
        consumer = Consumer(conf)
        consumer.assign([TopicPartition("events", 0, 0)])  # offset 0 is gone
        got = consumer.poll(5)
        assert got is not None
        assert got.error() is not None
        assert got.error().code() == KafkaError._AUTO_OFFSET_RESET
