"""Client behaviours recorded against librdkafka's mock cluster (see
tests/fidelity/kafka_scripts): error texts of offset calls, assignment offsets, and the
delivery-report events that len(producer) and poll() count."""

from __future__ import annotations

import pytest

from mqsim import World
from mqsim.clients.default import using
from mqsim.confluent_kafka import (
    OFFSET_BEGINNING,
    OFFSET_END,
    OFFSET_STORED,
    Consumer,
    KafkaError,
    KafkaException,
    Producer,
    TopicPartition,
)
from mqsim.kafka import KafkaCluster


def _world() -> tuple[World, KafkaCluster]:
    world = World(seed=3, trace="off", until="1m")
    cluster = KafkaCluster(world, brokers=1)
    cluster.create_topic("t", 2)
    return world, cluster


def _consumer_with_a_message() -> tuple[Consumer, object]:
    producer = Producer({"bootstrap.servers": "kafka-1:9092"})
    producer.produce("t", b"v", b"k", partition=0)
    producer.flush(5)
    consumer = Consumer(
        {"bootstrap.servers": "kafka-1:9092", "group.id": "g", "auto.offset.reset": "earliest"}
    )
    consumer.subscribe(["t"])
    msg = None
    while msg is None or msg.error():
        msg = consumer.poll(1.0)
    return consumer, msg


def test_store_offsets_with_auto_store_names_the_call() -> None:
    """enable.auto.offset.store=true: 'StoreOffsets failed: Local: Invalid argument...'."""
    world, _ = _world()
    with using(world):
        consumer, msg = _consumer_with_a_message()
        with pytest.raises(KafkaException) as raised:
            consumer.store_offsets(message=msg)  # type: ignore[arg-type]
        error = raised.value.args[0]
        assert error.code() == KafkaError._INVALID_ARG
        assert error.str() == "StoreOffsets failed: Local: Invalid argument or configuration"
        consumer.close()


def test_commit_of_logical_offsets_only_has_nothing_to_commit() -> None:
    """Logical offsets are left out of a commit; none left -> _NO_OFFSET, nothing stored."""
    world, _ = _world()
    with using(world):
        consumer, _ = _consumer_with_a_message()
        with pytest.raises(KafkaException) as raised:
            consumer.commit(offsets=[TopicPartition("t", 1, OFFSET_END)], asynchronous=False)
        error = raised.value.args[0]
        assert error.code() == KafkaError._NO_OFFSET
        assert error.str() == "Commit failed: Local: No offset stored"
        committed = consumer.committed([TopicPartition("t", 1)], timeout=5)
        assert committed[0].offset < 0
        consumer.close()


def test_group_assignment_holds_offset_stored_and_position_the_epoch() -> None:
    """assignment(): OFFSET_STORED for a group's partitions; position(): last record's epoch."""
    world, _ = _world()
    with using(world):
        consumer, msg = _consumer_with_a_message()
        assert {tp.offset for tp in consumer.assignment()} == {OFFSET_STORED}
        got = consumer.position([TopicPartition("t", 0)])[0]
        assert (got.offset, got.leader_epoch) == (1, msg.leader_epoch())  # type: ignore[attr-defined]
        assert got.leader_epoch == 0
        consumer.close()


def test_manual_assign_shows_the_offset_it_was_given() -> None:
    """assign() keeps each partition's offset; position() before any record has no epoch."""
    world, _ = _world()
    with using(world):
        consumer = Consumer({"bootstrap.servers": "kafka-1:9092", "group.id": "g"})
        consumer.assign([TopicPartition("t", 0, OFFSET_BEGINNING), TopicPartition("t", 1, 5)])
        assert [tp.offset for tp in consumer.assignment()] == [OFFSET_BEGINNING, 5]
        assert consumer.position([TopicPartition("t", 1)])[0].leader_epoch is None
        consumer.close()


def test_len_counts_report_events_and_poll_returns_events_served() -> None:
    """One produce response for 3 records: len 3 + 1 event, poll() serves 1 event."""
    world, _ = _world()
    reports: list[object] = []
    with using(world):
        producer = Producer({"bootstrap.servers": "kafka-1:9092"})
        for i in range(3):
            producer.produce("t", f"v{i}", partition=0, on_delivery=lambda e, m: reports.append(e))
        assert len(producer) == 3
        world.advance(2.0)
        assert (len(producer), reports) == (4, [])
        assert producer.poll(0) == 1
        assert (len(producer), reports) == (0, [None, None, None])
        for i in range(3):
            producer.produce("t", f"d{i}", partition=1)
        producer.purge()
        assert len(producer) == 4
        assert producer.flush(5) == 0
        assert len(producer) == 0
