"""``Message`` behaves as confluent-kafka's: getters, setters, len, identity, and it is
neither iterable nor subscriptable; consume() builds them for a batch in one pass."""

from __future__ import annotations

import pytest

from mqsim import World
from mqsim.clients.default import using
from mqsim.confluent_kafka import Consumer, Message, Producer, TopicPartition
from mqsim.kafka import KafkaCluster


def test_message_getters_setters_and_protocols() -> None:
    """Defaults match confluent-kafka (timestamp (0, 0), everything else None)."""
    empty = Message()
    assert (empty.topic(), empty.partition(), empty.offset(), empty.key(), empty.value()) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert empty.timestamp() == (0, 0)
    assert empty.latency() is None
    assert empty.leader_epoch() is None
    assert empty.delivery_count() is None
    assert len(empty) == 0
    assert not empty
    msg = Message("t", 1, 5, b"k", b"vv", timestamp=(1, 5), leader_epoch=3)
    assert (msg.topic(), msg.partition(), msg.offset(), msg.key(), msg.value()) == (
        "t",
        1,
        5,
        b"k",
        b"vv",
    )
    assert msg.timestamp() == (1, 5)
    assert len(msg) == 2
    twin = Message("t", 1, 5, b"k", b"vv", timestamp=(1, 5), leader_epoch=3)
    assert msg == msg
    assert msg != twin
    assert len({msg, twin}) == 2
    msg.set_value(b"changed")
    msg.set_key(b"k2")
    msg.set_headers([("h", b"1")])
    msg.set_topic("other")
    assert (msg.value(), msg.key(), msg.headers(), msg.topic()) == (
        b"changed",
        b"k2",
        [("h", b"1")],
        "other",
    )
    assert len(msg) == 7
    assert type(msg).__name__ == "Message"
    assert isinstance(msg, Message)
    with pytest.raises(TypeError, match="not iterable"):
        list(msg)
    with pytest.raises(TypeError, match="not subscriptable"):
        msg[0]
    with pytest.raises(TypeError):
        sorted([msg, twin])


def test_consume_builds_messages_with_the_records_fields() -> None:
    """consume(n) returns one Message per record, with offset, key, value, headers,
    timestamp and leader epoch of the stored record."""
    world = World(seed=1, until="1m")
    cluster = KafkaCluster(world, brokers=1)
    cluster.create_topic("t", 1)
    with using(world):
        producer = Producer({"bootstrap.servers": "kafka-1:9092"})
        for i in range(5):
            headers = [("n", str(i).encode())] if i % 2 else None
            producer.produce("t", f"v{i}", f"k{i}", headers=headers, timestamp=1000 + i)
        producer.flush(5)
        consumer = Consumer({"bootstrap.servers": "kafka-1:9092", "group.id": "g"})
        consumer.assign([TopicPartition("t", 0, 0)])
        got: list[Message] = []
        while len(got) < 5:
            got.extend(consumer.consume(10, 1.0))
    assert [m.offset() for m in got] == [0, 1, 2, 3, 4]
    assert [m.key() for m in got] == [b"k0", b"k1", b"k2", b"k3", b"k4"]
    assert [m.value() for m in got] == [b"v0", b"v1", b"v2", b"v3", b"v4"]
    assert [m.headers() for m in got] == [None, [("n", b"1")], None, [("n", b"3")], None]
    assert [m.timestamp() for m in got] == [(1, 1000 + i) for i in range(5)]
    assert {m.leader_epoch() for m in got} == {0}
    assert {m.error() for m in got} == {None}
    assert {(m.topic(), m.partition()) for m in got} == {("t", 0)}


def test_partition_eof_event_text_is_librdkafkas() -> None:
    """enable.partition.eof: the event reads 'Fetch from broker N reached end of partition
    at offset O (HighwaterMark H)', as librdkafka's mock cluster prints it."""
    world = World(seed=1, until="1m")
    cluster = KafkaCluster(world, brokers=1)
    cluster.create_topic("t", 1)
    with using(world):
        consumer = Consumer(
            {
                "bootstrap.servers": "kafka-1:9092",
                "group.id": "g",
                "enable.partition.eof": True,
            }
        )
        consumer.assign([TopicPartition("t", 0, 0)])
        event = consumer.poll(5.0)
    assert event is not None
    assert event.error() is not None
    assert event.error().str() == (
        "Fetch from broker 1 reached end of partition at offset 0 (HighwaterMark 0)"
    )
    assert (event.partition(), event.offset()) == (0, 0)
