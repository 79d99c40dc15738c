"""produce() takes a one-frame path for common calls and the full path for the rest; both
store the same records, call the same callbacks and raise the same errors."""

from __future__ import annotations

from typing import Any

import pytest

from mqsim import World
from mqsim.clients.default import using
from mqsim.confluent_kafka import KafkaException, Producer
from mqsim.kafka import KafkaCluster


def _calls(producer: Producer, reports: list[Any]) -> None:
    def report(err: Any, msg: Any) -> None:
        reports.append((err, msg.partition(), msg.offset(), msg.key(), msg.value()))

    for i in range(30):
        producer.produce("t", f"v{i}", f"k{i % 7}")
        producer.produce("t", f"b{i}".encode(), f"k{i % 5}".encode(), on_delivery=report)
        producer.produce("t", None, b"tomb", partition=1)
        producer.produce("t", value=b"explicit", key=b"x", partition=2, callback=report)
        producer.produce("t", b"h", b"k", headers={"a": "1"})
        producer.produce("t", b"ts", b"k", timestamp=1234)
        producer.produce("t", bytearray(b"ba"), memoryview(b"mv"))
    producer.flush(10)


def _run(fast: bool) -> tuple[list[list[Any]], list[Any]]:
    world = World(seed=9, trace="off", until="1m")
    cluster = KafkaCluster(world, brokers=1)
    cluster.create_topic("t", 3)
    reports: list[Any] = []
    with using(world):
        producer = Producer({"bootstrap.servers": "kafka-1:9092", "linger.ms": 5})
        if not fast:
            del producer.produce  # the class's method: the full path for every call
        _calls(producer, reports)
    return [cluster.records("t", p) for p in range(3)], reports


def test_fast_and_full_paths_store_the_same_records() -> None:
    """Same records at the same offsets, same delivery reports, either way."""
    assert _run(fast=True) == _run(fast=False)


def test_fast_path_rejects_what_the_full_path_rejects() -> None:
    """Bad types and unknown partitions fail the same way through the fast entry."""
    world = World(seed=9, until="1m")
    cluster = KafkaCluster(world, brokers=1)
    cluster.create_topic("t", 3)
    with using(world):
        producer = Producer({"bootstrap.servers": "kafka-1:9092"})
        producer.produce("t", b"warm", b"k")
        with pytest.raises(TypeError):
            producer.produce("t", 12, b"k")
        with pytest.raises(TypeError):
            producer.produce("t", b"v", b"k", on_delivery=3)
        with pytest.raises(TypeError):
            producer.produce(7, b"v")
        with pytest.raises(KafkaException):
            producer.produce("t", b"x" * 2_000_000, b"k")
        assert producer.flush(5) == 0
