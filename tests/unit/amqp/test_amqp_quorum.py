"""Quorum queues (RabbitMQ 3.10): returns counted per message (``x-delivery-limit``,
``x-delivery-count``), returned messages served first, every message kept on restart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mqsim import World, pika

BROKER = "localhost:5672"
Connect = Callable[..., pika.BlockingConnection]
QUORUM = {"x-queue-type": "quorum"}


def declare(channel: Any, name: str, **arguments: Any) -> None:
    """A durable quorum queue with more ``x-`` arguments (x_delivery_limit=...)."""
    args = {"x-" + key[2:].replace("_", "-"): value for key, value in arguments.items()}
    channel.queue_declare(name, durable=True, arguments={**QUORUM, **args})


def nack_forever(channel: Any, queue: str, deliveries: int) -> list[tuple[bool, Any]]:
    """Consume ``queue``, nack-requeue each delivery; (redelivered, x-delivery-count) of
    the first ``deliveries`` deliveries."""
    seen: list[tuple[bool, Any]] = []

    def on_message(ch: Any, method: Any, props: Any, _body: bytes) -> None:
        seen.append((method.redelivered, (props.headers or {}).get("x-delivery-count")))
        ch.basic_nack(method.delivery_tag, requeue=True)
        if len(seen) == deliveries:
            ch.stop_consuming()

    channel.basic_consume(queue, on_message)
    channel.start_consuming()
    return seen


def test_a_message_returned_more_than_the_delivery_limit_is_dead_lettered(
    rabbit: World, connect: Connect
) -> None:
    """x-delivery-limit 2: the message is delivered three times (x-delivery-count absent,
    then 1, then 2, redelivered from the second time), and the third return dead-letters
    it with reason delivery_limit."""
    channel = connect().channel()
    channel.queue_declare("parked")
    declare(
        channel,
        "orders",
        x_delivery_limit=2,
        x_dead_letter_exchange="",
        x_dead_letter_routing_key="parked",
    )
    channel.basic_publish("", "orders", "poison")
    assert nack_forever(channel, "orders", 3) == [(False, None), (True, 1), (True, 2)]
    _method, props, body = channel.basic_get("parked", auto_ack=True)
    assert body == b"poison"
    death = props.headers["x-death"][0]
    assert (death["reason"], death["queue"], death["count"]) == ("delivery_limit", "orders", 1)
    assert props.headers["x-first-death-reason"] == "delivery_limit"
    assert "x-delivery-count" not in props.headers
    assert [r.get("reason") for r in rabbit.trace.select("msg.requeue")] == ["nack", "nack"]
    drops = rabbit.trace.select("msg.drop")
    assert [(r.msg, r.get("where"), r.get("reason"), r.get("to")) for r in drops] == [
        ("m1", "orders", "dead-lettered", "")
    ]
    assert rabbit.list_queues(BROKER)["orders"]["messages_ready"] == 0


def test_without_a_dead_letter_exchange_the_message_is_dropped(
    rabbit: World, connect: Connect
) -> None:
    """x-delivery-limit 0 and no DLX: the first return drops the message
    (msg.drop reason delivery-limit)."""
    channel = connect().channel()
    declare(channel, "orders", x_delivery_limit=0)
    channel.basic_publish("", "orders", "poison")
    assert nack_forever(channel, "orders", 1) == [(False, None)]
    drops = rabbit.trace.select("msg.drop")
    assert [(r.msg, r.get("where"), r.get("reason")) for r in drops] == [
        ("m1", "orders", "delivery-limit")
    ]
    assert rabbit.list_queues(BROKER)["orders"] == {
        "messages_ready": 0,
        "messages_unacknowledged": 0,
        "consumers": 0,
    }


def test_closing_the_channel_counts_as_a_return(rabbit: World, connect: Connect) -> None:
    """Messages a closed channel held go back with their count raised: with
    x-delivery-limit 1 the second close drops the message."""
    conn = connect()
    declare(conn.channel(), "orders", x_delivery_limit=1)
    conn.channel().basic_publish("", "orders", "o1")
    counts = []
    for _ in range(2):
        channel = conn.channel()
        method, props, _body = channel.basic_get("orders")
        assert method is not None
        counts.append((method.redelivered, props.headers["x-delivery-count"]))
        channel.close()
    assert counts == [(False, 0), (True, 1)]
    assert [r.get("reason") for r in rabbit.trace.select("msg.requeue")] == ["channel-close"]
    assert [r.get("reason") for r in rabbit.trace.select("msg.drop")] == ["delivery-limit"]


@pytest.mark.parametrize(
    ("queue_type", "order"),
    [("quorum", ["m3", "m1", "m4", "m5"]), ("classic", ["m1", "m3", "m4", "m5"])],
)
def test_returned_messages_come_back_in_the_order_of_each_queue_type(
    rabbit: World, connect: Connect, queue_type: str, order: list[str]
) -> None:
    """Take m1..m3, return m3 then m1: a quorum queue serves its returns first in the
    order they came back (m3, m1); a classic queue puts each back at its place (m1, m3)."""
    channel = connect().channel()
    channel.queue_declare("q", durable=True, arguments={"x-queue-type": queue_type})
    for number in range(1, 6):
        channel.basic_publish("", "q", f"m{number}")
    tags = [channel.basic_get("q")[0].delivery_tag for _ in range(3)]
    channel.basic_nack(tags[2], requeue=True)
    channel.basic_nack(tags[0], requeue=True)
    bodies = [channel.basic_get("q", auto_ack=True)[2].decode() for _ in range(4)]
    assert bodies == order


def test_basic_get_from_a_quorum_queue_always_carries_the_delivery_count(
    rabbit: World, connect: Connect
) -> None:
    """basic.get from a quorum queue adds x-delivery-count (0 the first time) to the
    message's other headers; a classic queue's message comes as published."""
    channel = connect().channel()
    declare(channel, "qq")
    channel.queue_declare("cq")
    props = pika.BasicProperties(headers={"k": "v"})
    channel.basic_publish("", "qq", "a", props)
    channel.basic_publish("", "cq", "b", props)
    assert channel.basic_get("qq", auto_ack=True)[1].headers == {"k": "v", "x-delivery-count": 0}
    assert channel.basic_get("cq", auto_ack=True)[1].headers == {"k": "v"}


def test_the_delivery_limit_is_a_quorum_queue_argument_only(
    rabbit: World, connect: Connect
) -> None:
    """A classic queue accepts x-delivery-limit but does not count returns: the message
    keeps coming back."""
    channel = connect().channel()
    channel.queue_declare("cq", arguments={"x-delivery-limit": 1})
    channel.basic_publish("", "cq", "again")
    assert nack_forever(channel, "cq", 5) == [(False, None)] + [(True, None)] * 4
    assert not rabbit.trace.select("msg.drop")


def test_quorum_messages_survive_a_broker_restart_whatever_their_delivery_mode(
    rabbit: World, connect: Connect
) -> None:
    """A quorum queue keeps every message across a restart (its log has them all); a
    durable classic queue keeps only persistent ones."""
    channel = connect().channel()
    declare(channel, "qq")
    channel.queue_declare("cq", durable=True)
    for queue in ("qq", "cq"):
        channel.basic_publish("", queue, "transient")
        channel.basic_publish("", queue, "persistent", pika.BasicProperties(delivery_mode=2))
    rabbit.advance(0.1)  # past the classic queue's fsync
    rabbit.restart(BROKER)
    after = connect("after").channel()
    assert [after.basic_get("qq", auto_ack=True)[2] for _ in range(2)] == [
        b"transient",
        b"persistent",
    ]
    assert after.basic_get("cq", auto_ack=True)[2] == b"persistent"
    assert after.basic_get("cq")[0] is None
    crashed = rabbit.trace.select("msg.drop", where=lambda r: r.get("reason") == "crash")
    assert [(r.msg, r.get("where")) for r in crashed] == [("m3", "cq")]


def test_reject_publish_dlx_is_not_a_quorum_overflow_mode(rabbit: World, connect: Connect) -> None:
    """RabbitMQ 3.10 warns "Invalid overflow strategy" for a quorum queue declared with
    reject-publish-dlx and keeps the default, drop-head: the oldest message goes."""
    channel = connect().channel()
    channel.queue_declare("parked")
    declare(
        channel,
        "qq",
        x_max_length=1,
        x_overflow="reject-publish-dlx",
        x_dead_letter_exchange="",
        x_dead_letter_routing_key="parked",
    )
    channel.confirm_delivery()
    channel.basic_publish("", "qq", "first")
    channel.basic_publish("", "qq", "second")
    assert channel.basic_get("qq", auto_ack=True)[2] == b"second"
    _method, props, body = channel.basic_get("parked", auto_ack=True)
    assert (body, props.headers["x-death"][0]["reason"]) == (b"first", "maxlen")
