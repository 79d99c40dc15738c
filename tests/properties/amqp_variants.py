"""Deliberately broken RabbitMQ models, one per invariant, and a scenario exposing each.

Same shape as :mod:`kafka_variants`: ``VARIANTS[invariant] = (break_it, ops)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from mqsim.amqp import exchange as exchange_module
from mqsim.amqp.channel import Channel
from mqsim.amqp.consumer import Consumer
from mqsim.amqp.deliveries import Deliveries
from mqsim.amqp.queue import Queue

Ops = list[tuple[str, dict[str, Any]]]
Patch = Callable[[pytest.MonkeyPatch], None]


def forget_to_requeue_on_close(monkeypatch: pytest.MonkeyPatch) -> None:
    """A closing channel forgets its unacknowledged messages instead of requeueing them."""
    close = Channel.close

    def broken(self: Channel, reason: str = "channel-close") -> None:
        if self.open:
            for record in self.unacked.values():
                self._unhold(record)
                record[1].unacked -= 1
            self.unacked.clear()
        close(self, reason)

    monkeypatch.setattr(Channel, "close", broken)


def ignore_prefetch(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new consumer does not take the channel's prefetch count as its limit."""
    init = Consumer.__init__

    def broken(self: Consumer, *args: Any, **kwargs: Any) -> None:
        kwargs["prefetch"] = 0
        init(self, *args, **kwargs)

    monkeypatch.setattr(Consumer, "__init__", broken)


def reuse_a_delivery_tag(monkeypatch: pytest.MonkeyPatch) -> None:
    """A channel's tag counter sticks at 2: every delivery after the first gets tag 2."""
    deliver = Deliveries.deliver

    def broken(self: Any, consumer: Any, queue: Any, entry: Any) -> None:
        deliver(self, consumer, queue, entry)
        if self.next_tag == 3:
            self.next_tag = 2

    monkeypatch.setattr(Deliveries, "deliver", broken)


def forget_the_redelivered_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    """A requeued message comes back without its redelivered flag."""
    requeue = Queue.requeue

    def broken(self: Queue, entry: Any, reason: str) -> None:
        requeue(self, entry, reason)
        entry.redelivered = False

    monkeypatch.setattr(Queue, "requeue", broken)


def stack_instead_of_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new message goes to the head of its queue (last in, first out)."""
    enqueue = Queue.enqueue

    def broken(self: Queue, msg: Any) -> bool:
        stored = enqueue(self, msg)
        levels = self._levels
        if stored and len(levels) == 1 and len(levels[0]) > 1:
            levels[0].rotate(1)
        return stored

    monkeypatch.setattr(Queue, "enqueue", broken)


def lose_persistent_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """A broker crash keeps nothing, persistent or not."""
    monkeypatch.setattr(Queue, "survives_crash", lambda self, entry: False)


def star_matches_many_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """kombu's old topic matcher: ``*`` matches any number of words (``a.*`` ~ ``a.b.c``)."""

    def broken(pattern: str, key: str) -> bool:
        regex = re.escape(pattern).replace(r"\*", ".*").replace(r"\#", ".*")
        return re.fullmatch(regex, key) is not None

    monkeypatch.setattr(exchange_module, "topic_matches", broken)


def _q1(durable: bool = False) -> Ops:
    return [
        (
            "declare_queue",
            {"slot": "a", "channel": 1, "name": "q1", "durable": durable, "kind": "plain"},
        )
    ]


def _publish(count: int, **flags: Any) -> Ops:
    op = {"slot": "a", "channel": 2, "exchange": "", "key": "q1", **flags}
    return [("publish", dict(op)) for _ in range(count)]


def _consume(**flags: Any) -> Ops:
    return [("consume", {"slot": "b", "channel": 1, "queue": "q1", **flags})]


def _advance(seconds: float = 0.1) -> Ops:
    return [("advance", {"seconds": seconds})]


VARIANTS: dict[str, tuple[Patch, Ops]] = {
    "conservation": (
        forget_to_requeue_on_close,
        [
            *_q1(),
            *_consume(),
            *_publish(2),
            *_advance(),
            ("reopen_channel", {"slot": "b", "channel": 1}),
        ],
    ),
    "prefetch": (
        ignore_prefetch,
        [
            *_q1(),
            ("qos", {"slot": "b", "channel": 1, "prefetch": 1}),
            *_consume(),
            *_publish(3),
            *_advance(),
        ],
    ),
    "delivery-tags": (reuse_a_delivery_tag, [*_q1(), *_consume(), *_publish(3), *_advance()]),
    "redelivered": (
        forget_the_redelivered_flag,
        [
            *_q1(),
            *_consume(),
            *_publish(1),
            *_advance(),
            ("settle", {"slot": "b", "channel": 1, "how": "nack", "requeue": True}),
            *_advance(),
        ],
    ),
    "fifo": (stack_instead_of_queue, [*_q1(), *_publish(3), *_advance(), *_consume(), *_advance()]),
    "persistence": (
        lose_persistent_messages,
        [
            *_q1(durable=True),
            ("confirm_select", {"slot": "a", "channel": 2}),
            *_publish(1, persistent=True),
            *_advance(),
            ("restart_broker", {"down_for": 1.0}),
        ],
    ),
    "routing": (
        star_matches_many_words,
        [
            *_q1(),
            ("declare_exchange", {"slot": "a", "channel": 1, "name": "x.topic", "durable": True}),
            (
                "bind",
                {"slot": "a", "channel": 1, "queue": "q1", "exchange": "x.topic", "key": "a.*"},
            ),
            ("publish", {"slot": "a", "channel": 2, "exchange": "x.topic", "key": "a.b.c"}),
            *_advance(),
        ],
    ),
}
