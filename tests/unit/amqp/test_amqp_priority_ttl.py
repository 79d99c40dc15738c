"""Priority queues with TTL: RabbitMQ expires messages only at the head, and the head of
a priority queue is the oldest message of the highest priority present."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mqsim import World, pika

BROKER = "localhost:5672"
Connect = Callable[..., pika.BlockingConnection]


def priority(level: int, expiration: str | None = None) -> pika.BasicProperties:
    return pika.BasicProperties(priority=level, expiration=expiration)


def ready(channel: Any, queue: str) -> int:
    return int(channel.queue_declare(queue, passive=True).method.message_count)


def expired(world: World) -> list[tuple[float, str | None]]:
    return [(r.time, r.msg) for r in world.trace.select("msg.drop") if r.get("reason") == "expired"]


def test_an_expired_message_waits_behind_a_higher_priority_head(
    rabbit: World, connect: Connect
) -> None:
    """x-message-ttl 1 s: 'low' (priority 0, t=0) expires at 1 s but sits behind 'high'
    (priority 5, t=0.5), so it is still counted; fetching 'high' at 1.25 s uncovers it and
    it is dropped then (the get-ok already counts 0 ready)."""
    channel = connect().channel()
    channel.queue_declare("q", arguments={"x-max-priority": 5, "x-message-ttl": 1000})
    channel.basic_publish("", "q", "low", priority(0))
    rabbit.advance(0.5)
    channel.basic_publish("", "q", "high", priority(5))
    rabbit.advance(0.75)
    assert ready(channel, "q") == 2
    assert expired(rabbit) == []
    method, _props, body = channel.basic_get("q", auto_ack=True)
    assert (body, method.message_count) == (b"high", 0)
    assert expired(rabbit) == [(1.25, "m1")]
    assert channel.basic_get("q")[0] is None


def test_a_short_lived_high_priority_message_at_the_head_expires_on_time(
    rabbit: World, connect: Connect
) -> None:
    """A per-message expiration on the head (the highest priority) is honoured promptly,
    without any consumer; the lower-priority message behind it stays."""
    channel = connect().channel()
    channel.queue_declare("q", arguments={"x-max-priority": 5})
    channel.basic_publish("", "q", "slow", priority(0))
    channel.basic_publish("", "q", "fast", priority(5, expiration="500"))
    rabbit.advance(1)
    assert expired(rabbit) == [(0.5, "m2")]
    assert channel.basic_get("q", auto_ack=True)[2] == b"slow"


def test_expired_messages_are_dead_lettered_in_delivery_order(
    rabbit: World, connect: Connect
) -> None:
    """When every message has expired, they leave head first, highest priority first and
    FIFO within a priority, and reach the dead-letter queue in that order."""
    channel = connect().channel()
    channel.queue_declare("dead")
    channel.queue_declare(
        "q",
        arguments={
            "x-max-priority": 5,
            "x-message-ttl": 1000,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": "dead",
        },
    )
    for body, level in (("a0", 0), ("b5", 5), ("c3", 3), ("d5", 5), ("e0", 0)):
        channel.basic_publish("", "q", body, priority(level))
    rabbit.advance(1.5)
    bodies = [channel.basic_get("dead", auto_ack=True)[2] for _ in range(5)]
    assert bodies == [b"b5", b"d5", b"c3", b"a0", b"e0"]
    drops = rabbit.trace.select("msg.drop")
    assert {(r.time, r.get("reason"), r.get("to")) for r in drops} == {(1.0, "dead-lettered", "")}


def test_a_requeued_message_keeps_its_priority_and_its_expiry(
    rabbit: World, connect: Connect
) -> None:
    """A message returned to a priority queue goes back to its priority level (behind a
    higher one waiting) and keeps the expiry it got when published."""
    channel = connect().channel()
    channel.queue_declare("q", arguments={"x-max-priority": 5, "x-message-ttl": 1000})
    channel.basic_publish("", "q", "low", priority(1))
    method, _props, _body = channel.basic_get("q")
    channel.basic_publish("", "q", "high", priority(4))
    rabbit.advance(0.5)
    channel.basic_nack(method.delivery_tag, requeue=True)
    assert channel.basic_get("q", auto_ack=True)[2] == b"high"
    rabbit.advance(0.6)
    assert expired(rabbit) == [(1.0, "m1")]
    assert channel.basic_get("q")[0] is None


def test_a_consumer_of_a_priority_queue_gets_no_expired_message(
    rabbit: World, connect: Connect
) -> None:
    """A consumer that frees its prefetch slot after the others expired gets nothing:
    expired heads are dropped before a delivery."""
    channel = connect().channel()
    channel.queue_declare("q", arguments={"x-max-priority": 3, "x-message-ttl": 1000})
    channel.basic_qos(prefetch_count=1)
    got: list[bytes] = []
    channel.basic_consume("q", lambda _ch, method, _p, body: got.append(body))
    for body, level in (("first", 0), ("second", 3), ("third", 2)):
        channel.basic_publish("", "q", body, priority(level))
    channel.connection.process_data_events(0)
    assert got == [b"first"]
    rabbit.advance(2)
    channel.basic_ack(1)
    channel.connection.process_data_events(0)
    assert got == [b"first"]
    assert [msg for _t, msg in expired(rabbit)] == ["m2", "m3"]
