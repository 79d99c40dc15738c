"""x-overflow reject-publish and reject-publish-dlx: a full classic queue refuses new
messages (nack in confirm mode); reject-publish-dlx also dead-letters them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mqsim import World, pika

BROKER = "localhost:5672"
Connect = Callable[..., pika.BlockingConnection]


def full_queue(channel: Any, overflow: str, **more: Any) -> None:
    """``q`` holds at most two messages and refuses more; ``parked`` gets dead letters
    through the fanout exchange ``dlx``."""
    channel.exchange_declare("dlx", "fanout")
    channel.queue_declare("parked")
    channel.queue_bind("parked", "dlx")
    channel.queue_declare("q", arguments={"x-max-length": 2, "x-overflow": overflow, **more})
    channel.confirm_delivery()
    channel.basic_publish("", "q", "m1")
    channel.basic_publish("", "q", "m2")


def test_reject_publish_dlx_nacks_and_dead_letters_the_refused_message(
    rabbit: World, connect: Connect
) -> None:
    """The third publish is nacked and dead-lettered (reason maxlen, queue q); the queue
    keeps its first two messages. The trace says the copy for q was refused, never stored."""
    channel = connect().channel()
    full_queue(channel, "reject-publish-dlx", **{"x-dead-letter-exchange": "dlx"})
    with pytest.raises(pika.exceptions.NackError):
        channel.basic_publish("", "q", "m3")
    _method, props, body = channel.basic_get("parked", auto_ack=True)
    assert body == b"m3"
    death = props.headers["x-death"][0]
    assert (death["reason"], death["queue"], death["exchange"]) == ("maxlen", "q", "")
    assert [channel.basic_get("q", auto_ack=True)[2] for _ in range(2)] == [b"m1", b"m2"]
    refused = [r for r in rabbit.trace if r.msg == "m3" and r.kind in ("msg.store", "msg.drop")]
    assert [(r.kind, r.get("where"), r.get("reason"), r.get("to")) for r in refused] == [
        ("msg.drop", "q", "reject-publish", "dlx"),
        ("msg.store", "parked", None, None),
    ]


def test_reject_publish_dlx_without_a_dead_letter_exchange_only_refuses(
    rabbit: World, connect: Connect
) -> None:
    """Without a DLX, reject-publish-dlx behaves as reject-publish: nack and drop."""
    channel = connect().channel()
    full_queue(channel, "reject-publish-dlx")
    with pytest.raises(pika.exceptions.NackError):
        channel.basic_publish("", "q", "m3")
    drops = [(r.msg, r.get("where"), r.get("reason")) for r in rabbit.trace.select("msg.drop")]
    assert drops == [("m3", "q", "reject-publish")]
    assert rabbit.list_queues(BROKER)["parked"]["messages_ready"] == 0


@pytest.mark.parametrize("overflow", ["reject-publish", "reject-publish-dlx"])
def test_unacked_messages_do_not_count_toward_the_limit(
    rabbit: World, connect: Connect, overflow: str
) -> None:
    """A message taken but not acked has left the ready count: the queue accepts another
    (RabbitMQ counts ready messages against x-max-length)."""
    channel = connect().channel()
    full_queue(channel, overflow, **{"x-dead-letter-exchange": "dlx"})
    assert channel.basic_get("q")[2] == b"m1"
    channel.basic_publish("", "q", "m3")
    with pytest.raises(pika.exceptions.NackError):
        channel.basic_publish("", "q", "m4")
    assert rabbit.list_queues(BROKER)["q"] == {
        "messages_ready": 2,
        "messages_unacknowledged": 1,
        "consumers": 0,
    }


def test_a_dead_letter_refused_by_a_full_target_is_dead_lettered_again(
    rabbit: World, connect: Connect
) -> None:
    """A message dead-lettered into a full reject-publish-dlx queue is refused there and
    dead-lettered by it in turn (its x-death lists both queues), until a queue takes it."""
    channel = connect().channel()
    channel.queue_declare("last")
    channel.queue_declare(
        "second",
        arguments={
            "x-max-length": 0,
            "x-overflow": "reject-publish-dlx",
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": "last",
        },
    )
    channel.queue_declare(
        "first",
        arguments={
            "x-message-ttl": 0,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": "second",
        },
    )
    channel.basic_publish("", "first", "hop")
    rabbit.advance(0.1)
    _method, props, body = channel.basic_get("last", auto_ack=True)
    assert body == b"hop"
    assert [(d["queue"], d["reason"]) for d in props.headers["x-death"]] == [
        ("second", "maxlen"),
        ("first", "expired"),
    ]
