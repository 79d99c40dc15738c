"""Dead-lettering: what RabbitMQ does with a message a queue gives up on.

A queue with ``x-dead-letter-exchange`` republishes a message that was rejected
(``basic.reject``/``nack`` without requeue), expired, pushed out by ``x-max-length``
(``maxlen``) or returned too often to a quorum queue (``delivery_limit``), to that
exchange, with the queue's ``x-dead-letter-routing-key`` or its own keys. The copy
carries an ``x-death`` history (one entry per queue and reason, the latest first, with a
count) and the ``x-first-death-*`` headers, and loses its ``expiration``. A message
that would die again in a queue it already died in, with no rejection on the way, is
dropped (a cycle). Without a (existing) dead-letter exchange the message is dropped.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from mqsim.amqp.bindings import cc_keys, route
from mqsim.amqp.message import Entry, Message

if TYPE_CHECKING:
    from mqsim.amqp.broker import Broker
    from mqsim.amqp.queue import Queue

#: The ``msg.drop`` reason of a message that died without a dead-letter exchange.
DROP_REASONS = {
    "expired": "expired",
    "maxlen": "maxlen",
    "rejected": "rejected",
    "delivery_limit": "delivery-limit",
}


def dead_letter(
    broker: Broker, queue: Queue, entry: Entry, reason: str, *, stored: bool = True
) -> None:
    """Dead-letter ``entry`` from ``queue`` (reason ``rejected``, ``expired``,
    ``maxlen`` or ``delivery_limit``), or drop it when the queue has no (existing)
    dead-letter exchange. Cycles made only of automatic dead-lettering are dropped."""
    dlx_name = queue.dlx
    exchange = None if dlx_name is None else broker.exchanges.get(dlx_name)
    if exchange is None:
        if stored:
            broker.drop(queue, entry, DROP_REASONS[reason])
        return
    msg = entry.msg
    props = msg.properties
    headers = dict(props.headers or {})
    keys = cc_keys(msg.routing_key, headers)
    deaths = [dict(d) for d in headers.get("x-death") or [] if isinstance(d, dict)]
    index = next(
        (
            i
            for i, d in enumerate(deaths)
            if d.get("queue") == queue.name and d.get("reason") == reason
        ),
        None,
    )
    if index is not None:
        death = deaths.pop(index)
        death["count"] = int(death.get("count", 0)) + 1
    else:
        death = {
            "count": 1,
            "reason": reason,
            "queue": queue.name,
            "time": datetime.datetime.fromtimestamp(int(broker.world.now), datetime.timezone.utc),
            "exchange": msg.exchange,
            "routing-keys": keys,
        }
        if props.expiration is not None:
            death["original-expiration"] = props.expiration
    deaths.insert(0, death)
    headers["x-death"] = deaths
    headers.setdefault("x-first-death-exchange", msg.exchange)
    headers.setdefault("x-first-death-queue", queue.name)
    headers.setdefault("x-first-death-reason", reason)
    if queue.dlrk is not None:
        headers.pop("CC", None)
        headers.pop("BCC", None)
    new_key = queue.dlrk if queue.dlrk is not None else msg.routing_key
    route_keys = [queue.dlrk] if queue.dlrk is not None else keys
    dead = Message(
        msg.id,
        exchange.name,
        new_key,
        msg.body,
        props.replace(headers=headers, expiration=None),
    )
    if exchange.name:
        names = route(broker.exchanges, exchange, route_keys, headers)
    else:
        names = list(dict.fromkeys(k for k in route_keys if k in broker.queues))
    if stored:
        broker.drop(queue, entry, "dead-lettered", to=exchange.name)
    for name in names:
        target = broker.queues[name]
        if reason != "rejected" and _is_cycle(name, deaths):
            broker.drop(target, entry, "cycle")
            continue
        if not target.enqueue(dead):
            broker.refuse(target, dead)
    if not names and broker.trace.full:
        broker.trace.emit("msg.drop", broker.name, msg.id, where=None, reason="unroutable")


def _is_cycle(queue: str, deaths: list[dict[str, Any]]) -> bool:
    """RabbitMQ's rule: the message already died in ``queue`` and nothing on the way was
    a rejection by a client."""
    for index, death in enumerate(deaths):
        if death.get("queue") == queue:
            return all(d.get("reason") != "rejected" for d in deaths[: index + 1])
    return False
