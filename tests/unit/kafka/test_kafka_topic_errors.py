"""Producing to an invalid topic name: a real broker answers the metadata request with
INVALID_TOPIC_EXCEPTION (librdkafka: TOPIC_EXCEPTION, 17), a permanent error: the queued
record fails at once (not after message.timeout.ms) and later produce() calls raise."""

from __future__ import annotations

from typing import Any

import pytest

from mqsim import World
from mqsim.clients.default import using
from mqsim.confluent_kafka import KafkaError, KafkaException, Producer
from mqsim.kafka import KafkaCluster


def test_produce_to_an_invalid_topic_name_fails_at_once() -> None:
    """The delivery report carries TOPIC_EXCEPTION within a round trip; the next produce()
    raises KafkaException(TOPIC_EXCEPTION) without queuing anything."""
    world = World(seed=1, until="10m")
    KafkaCluster(world, brokers=1)
    reports: list[Any] = []
    with using(world):
        producer = Producer({"bootstrap.servers": "kafka-1:9092"})
        producer.produce("bad topic!", b"v", on_delivery=lambda err, msg: reports.append(err))
        assert producer.flush(5) == 0
        assert world.now < 1.0
        assert [err.code() for err in reports] == [KafkaError.TOPIC_EXCEPTION]
        assert reports[0].str() == "Broker: Invalid topic"
        with pytest.raises(KafkaException) as raised:
            producer.produce("bad topic!", b"again")
        error = raised.value.args[0]
        assert error.code() == KafkaError.TOPIC_EXCEPTION
        assert error.str() == "Unable to produce message: Broker: Invalid topic"
        assert len(producer) == 0
    drops = world.trace.select("msg.drop")
    assert [d.get("reason") for d in drops] == ["not-delivered"]


def test_unknown_topic_without_auto_create_times_out_instead() -> None:
    """UNKNOWN_TOPIC_OR_PART is not permanent: the record waits for the topic until
    message.timeout.ms, then fails with _MSG_TIMED_OUT."""
    world = World(seed=1, until="10m")
    KafkaCluster(world, brokers=1, config={"auto.create.topics.enable": False})
    reports: list[Any] = []
    with using(world):
        producer = Producer({"bootstrap.servers": "kafka-1:9092", "message.timeout.ms": 5000})
        producer.produce("missing", b"v", on_delivery=lambda err, msg: reports.append(err))
        assert producer.flush(30) == 0
        assert world.now >= 5.0
    assert [err.code() for err in reports] == [KafkaError._MSG_TIMED_OUT]
