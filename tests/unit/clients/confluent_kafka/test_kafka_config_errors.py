"""Bad configuration gets librdkafka's and confluent-kafka's errors (checked against 2.16.1)."""

from __future__ import annotations

import pytest

from mqsim.clients.default import new_default_world, using
from mqsim.confluent_kafka import Consumer, KafkaError, KafkaException, Producer

BASE = {"bootstrap.servers": "localhost:9092"}


@pytest.fixture(autouse=True)
def _world() -> object:
    with using(new_default_world(0)) as world:
        yield world


@pytest.mark.parametrize(
    ("conf", "text"),
    [
        ({"foo": 1}, 'No such configuration property: "foo"'),
        ({"acks": "bogus"}, 'Invalid value for configuration property "request.required.acks"'),
        ({"linger.ms": "abc"}, 'Invalid value for configuration property "queue.buffering.max.ms"'),
        (
            {"linger.ms": -5},
            'Configuration property "queue.buffering.max.ms" value -5 is outside allowed range '
            "0..900000\n",
        ),
        (
            {"enable.idempotence": "maybe"},
            'Expected bool value for "enable.idempotence": true or false',
        ),
        ({"partitioner": "bogus"}, 'Invalid value for configuration property "partitioner": bogus'),
        (
            {"enable.idempotence": True, "acks": 1},
            "Failed to create producer: `acks` must be set to `all` when "
            "`enable.idempotence` is true",
        ),
        (
            {"batch.size": 0},
            'Configuration property "batch.size" value 0 is outside allowed range 1..2147483647\n',
        ),
        ({"bootstrap_servers": "x"}, 'No such configuration property: "bootstrap_servers"'),
        ({"dr_cb": print}, 'Property "dr_cb" must be set through dedicated .._set_..() function'),
        ({"on_delivery": 5}, "on_delivery requires a callable object"),
    ],
)
def test_producer_config_errors(conf: dict[str, object], text: str) -> None:
    """Each bad property raises KafkaException(_INVALID_ARG) with librdkafka's sentence."""
    with pytest.raises(KafkaException) as caught:
        Producer({**BASE, **conf})
    error = caught.value.args[0]
    assert error.code() == KafkaError._INVALID_ARG
    assert error.name() == "_INVALID_ARG"
    assert error.str() == text


def test_error_cb_must_be_callable() -> None:
    """confluent-kafka raises TypeError for a non-callable error_cb."""
    with pytest.raises(TypeError, match="expected error_cb property as a callable function"):
        Producer({**BASE, "error_cb": 5})


def test_consumer_needs_group_id() -> None:
    """confluent-kafka refuses a consumer without group.id."""
    with pytest.raises(ValueError, match=r"Failed to create consumer: group\.id must be set"):
        Consumer(BASE)


def test_consumer_unknown_strategy_and_offset_reset() -> None:
    """Unsupported assignor and bad auto.offset.reset are _INVALID_ARG."""
    with pytest.raises(KafkaException) as caught:
        Consumer({**BASE, "group.id": "g", "partition.assignment.strategy": "foo"})
    assert caught.value.args[0].str() == (
        "Failed to create consumer: Unsupported partition.assignment.strategy: foo"
    )
    with pytest.raises(KafkaException) as caught:
        Consumer({**BASE, "group.id": "g", "auto.offset.reset": "foo"})
    assert (
        caught.value.args[0].str()
        == 'Invalid value "foo" for configuration property "auto.offset.reset"'
    )


def test_defaults_are_librdkafkas() -> None:
    """acks=all, no idempotence, linger 5 ms, range,roundrobin, latest, 5 s auto-commit..."""
    producer = Producer(BASE)
    consumer = Consumer({**BASE, "group.id": "g"})
    p, c = producer.client.config, consumer.client.config
    assert (p["acks"], p["enable.idempotence"], p["linger.ms"]) == (-1, False, 5.0)
    assert p["partitioner"] == "consistent_random"
    assert c["partition.assignment.strategy"] == "range,roundrobin"
    assert c["auto.offset.reset"] == "largest"
    assert (c["enable.auto.commit"], c["auto.commit.interval.ms"]) == (True, 5000)
    assert (c["session.timeout.ms"], c["heartbeat.interval.ms"]) == (45000, 3000)
    assert c["max.poll.interval.ms"] == 300000
    assert c["isolation.level"] == "read_committed"


def test_kafka_error_repr_and_equality() -> None:
    """KafkaError prints and compares as confluent-kafka's does."""
    error = KafkaError(KafkaError._PARTITION_EOF)
    assert repr(error) == 'KafkaError{code=_PARTITION_EOF,val=-191,str="Broker: No more messages"}'
    assert error == -191
    assert KafkaError(3, "hello", fatal=True).__repr__() == (
        'KafkaError{FATAL,code=UNKNOWN_TOPIC_OR_PART,val=3,str="hello"}'
    )
