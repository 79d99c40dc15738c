"""Transactions (KIP-98): commit/abort markers take offsets, read_committed consumers see
only committed records (up to the last stable offset), offsets sent to a transaction are
committed with it, and a newer instance (or the transaction timeout) fences a producer."""

from __future__ import annotations

from typing import Any

import pytest

from mqsim import World
from mqsim.clients.default import using
from mqsim.confluent_kafka import (
    Consumer,
    KafkaError,
    KafkaException,
    Producer,
    TopicPartition,
)
from mqsim.kafka import KafkaCluster


def _world() -> tuple[World, KafkaCluster]:
    world = World(seed=3, until="10m")
    cluster = KafkaCluster(world, brokers=1, config={"group.initial.rebalance.delay.ms": 0})
    cluster.create_topic("out", 1)
    cluster.create_topic("in", 1)
    return world, cluster


def _tx_producer(tid: str = "tx-1", **extra: Any) -> Producer:
    producer = Producer({"bootstrap.servers": "kafka-1:9092", "transactional.id": tid, **extra})
    producer.init_transactions(10)
    return producer


def _read(isolation: str, topic: str = "out") -> list[tuple[int, bytes]]:
    consumer = Consumer(
        {
            "bootstrap.servers": "kafka-1:9092",
            "group.id": f"reader-{isolation}",
            "isolation.level": isolation,
        }
    )
    consumer.assign([TopicPartition(topic, 0, 0)])
    got = []
    for _ in range(10):
        for msg in consumer.consume(100, 0.2):
            if msg.error() is None:
                got.append((msg.offset(), msg.value()))
    consumer.close()
    return got


def test_committed_aborted_and_open_transactions_as_each_isolation_level_sees_them() -> None:
    """Offsets: c0 c1 c2 COMMIT(3) a4 a5 ABORT(6) o7 (open). read_committed reads c0..c2
    and stops at the LSO (7); read_uncommitted reads every data record below the HW."""
    world, cluster = _world()
    with using(world):
        producer = _tx_producer()
        producer.begin_transaction()
        for value in (b"c0", b"c1", b"c2"):
            producer.produce("out", value)
        producer.commit_transaction(10)
        producer.begin_transaction()
        for value in (b"a4", b"a5"):
            producer.produce("out", value)
        producer.flush(5)
        producer.abort_transaction(10)
        producer.begin_transaction()
        producer.produce("out", b"o7")
        producer.flush(5)
        committed = _read("read_committed")
        uncommitted = _read("read_uncommitted")
    assert committed == [(0, b"c0"), (1, b"c1"), (2, b"c2")]
    assert uncommitted == [
        (0, b"c0"),
        (1, b"c1"),
        (2, b"c2"),
        (4, b"a4"),
        (5, b"a5"),
        (7, b"o7"),
    ]
    partition = cluster.partition("out", 0)
    assert partition.lso == 7
    assert partition.hw == 8
    markers = [b.control for b in partition.leader_log.batches if b.control]
    assert markers == ["COMMIT", "ABORT"]
    actions = [r.get("action") for r in world.trace.select("kafka.txn")]
    assert actions == ["init", "begin", "commit", "begin", "abort", "begin"]
    rollbacks = world.trace.select("msg.drop", where=lambda r: r.get("reason") == "tx-rollback")
    assert len(rollbacks) == 2


def test_offsets_sent_to_a_transaction_are_committed_only_with_it() -> None:
    """Consume-transform-produce: the input offset becomes the group's committed offset at
    commit_transaction; an aborted transaction leaves it where it was."""
    world, cluster = _world()
    with using(world):
        feeder = Producer({"bootstrap.servers": "kafka-1:9092"})
        for i in range(4):
            feeder.produce("in", f"in{i}".encode())
        feeder.flush(5)
        consumer = Consumer(
            {
                "bootstrap.servers": "kafka-1:9092",
                "group.id": "etl",
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
                "isolation.level": "read_committed",
            }
        )
        consumer.subscribe(["in"])
        producer = _tx_producer()
        for round_, commit in ((0, True), (1, False)):
            batch = []
            while len(batch) < 2:
                msg = consumer.poll(1.0)
                if msg is not None and msg.error() is None:
                    batch.append(msg)
            producer.begin_transaction()
            for msg in batch:
                producer.produce("out", msg.value().upper())
            producer.send_offsets_to_transaction(
                consumer.position(consumer.assignment()), consumer.consumer_group_metadata()
            )
            assert cluster.groups.committed("etl", "in", 0) == (-1001 if round_ == 0 else 2)
            if commit:
                producer.commit_transaction(10)
            else:
                producer.abort_transaction(10)
        assert cluster.groups.committed("etl", "in", 0) == 2
        assert _read("read_committed") == [(0, b"IN0"), (1, b"IN1")]


def test_a_new_instance_fences_the_old_one_and_aborts_its_transaction() -> None:
    """init_transactions with the same transactional.id bumps the epoch: the old instance's
    commit fails with a fatal _FENCED error and its records are aborted."""
    world, _cluster = _world()
    with using(world):
        old = _tx_producer("orders-tx")
        old.begin_transaction()
        old.produce("out", b"zombie")
        old.flush(5)
        new = _tx_producer("orders-tx")
        with pytest.raises(KafkaException) as raised:
            old.commit_transaction(10)
        error = raised.value.args[0]
        assert error.code() == KafkaError._FENCED
        assert error.fatal()
        new.begin_transaction()
        new.produce("out", b"fresh")
        new.commit_transaction(10)
        assert _read("read_committed") == [(2, b"fresh")]  # zombie 0, ABORT 1, COMMIT 3


def test_transactional_api_state_errors() -> None:
    """librdkafka: produce() outside a transaction and calls in the wrong state fail with
    _STATE; a producer without transactional.id gets _NOT_CONFIGURED."""
    world, _cluster = _world()
    with using(world):
        plain = Producer({"bootstrap.servers": "kafka-1:9092"})
        with pytest.raises(KafkaException) as raised:
            plain.init_transactions(5)
        assert raised.value.args[0].code() == KafkaError._NOT_CONFIGURED
        producer = _tx_producer()
        with pytest.raises(KafkaException) as raised:
            producer.produce("out", b"x")
        assert raised.value.args[0].code() == KafkaError._STATE
        with pytest.raises(KafkaException) as raised:
            producer.commit_transaction(5)
        assert raised.value.args[0].str() == "Operation not valid in state Ready"
        producer.begin_transaction()
        with pytest.raises(KafkaException) as raised:
            producer.begin_transaction()
        assert raised.value.args[0].str() == "Operation not valid in state InTransaction"


def test_transaction_timeout_aborts_and_fences_the_producer() -> None:
    """A transaction open longer than transaction.timeout.ms is aborted by the coordinator
    with a bumped epoch; the producer finds itself fenced."""
    world, cluster = _world()
    with using(world):
        producer = _tx_producer(**{"transaction.timeout.ms": 5000})
        producer.begin_transaction()
        producer.produce("out", b"slow")
        producer.flush(5)
        world.advance(6)
        assert cluster.partition("out", 0).lso == cluster.partition("out", 0).hw
        with pytest.raises(KafkaException) as raised:
            producer.commit_transaction(10)
        assert raised.value.args[0].code() == KafkaError._FENCED
        assert _read("read_committed") == []
    actions = [r.get("action") for r in world.trace.select("kafka.txn")]
    assert actions[-2:] == ["timeout", "abort"]
