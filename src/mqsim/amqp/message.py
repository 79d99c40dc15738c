"""A message and its copies in queues."""

from __future__ import annotations

from mqsim.amqp.properties import BasicProperties


class Message:
    """What a publisher sent: shared by every queue it was routed to.

    ``id`` is the trace id (``m1``...; None when the trace is off).
    """

    __slots__ = ("body", "exchange", "id", "persistent", "properties", "routing_key")

    def __init__(
        self,
        id: str | None,
        exchange: str,
        routing_key: str,
        body: bytes,
        properties: BasicProperties,
    ) -> None:
        self.id = id
        self.exchange = exchange
        self.routing_key = routing_key
        self.body = body
        self.properties = properties
        self.persistent = properties.delivery_mode == 2

    def __repr__(self) -> str:
        return f"<Message {self.id} {self.exchange!r}/{self.routing_key!r} {len(self.body)}B>"


class Entry:
    """One copy of a message in one queue: its place (``seq``), redelivery flag,
    expiry time and how often it was returned to the queue."""

    __slots__ = ("expires_at", "msg", "priority", "redelivered", "returns", "seq")

    def __init__(self, msg: Message, seq: int, expires_at: float | None, priority: int) -> None:
        self.msg = msg
        self.seq = seq
        self.expires_at = expires_at
        self.priority = priority
        self.redelivered = False
        self.returns = 0

    def __repr__(self) -> str:
        flag = " redelivered" if self.redelivered else ""
        return f"<Entry {self.msg.id} seq={self.seq}{flag}>"
