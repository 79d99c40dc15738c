"""Message properties (AMQP ``basic`` content header), field for field as in pika."""

from __future__ import annotations

from typing import Any, Protocol

FIELDS = (
    "content_type",
    "content_encoding",
    "headers",
    "delivery_mode",
    "priority",
    "correlation_id",
    "reply_to",
    "expiration",
    "message_id",
    "timestamp",
    "type",
    "user_id",
    "app_id",
    "cluster_id",
)


class DeliveryModeLike(Protocol):
    """An enum member whose value is the delivery mode, as ``pika.DeliveryMode.Persistent``."""

    @property
    def value(self) -> int: ...


class BasicProperties:
    """The properties of a message; unset fields are ``None``. ``delivery_mode`` is 1
    (transient) or 2 (persistent), or a ``pika.DeliveryMode`` member (kept as its value).

    The model treats a published instance as immutable (copies share it); where the
    broker changes properties (BCC removal, dead-lettering) it makes a new one.
    """

    __slots__ = FIELDS

    def __init__(
        self,
        content_type: str | None = None,
        content_encoding: str | None = None,
        headers: dict[str, Any] | None = None,
        delivery_mode: int | DeliveryModeLike | None = None,
        priority: int | None = None,
        correlation_id: str | None = None,
        reply_to: str | None = None,
        expiration: str | None = None,
        message_id: str | None = None,
        timestamp: int | None = None,
        type: str | None = None,
        user_id: str | None = None,
        app_id: str | None = None,
        cluster_id: str | None = None,
    ) -> None:
        self.content_type = content_type
        self.content_encoding = content_encoding
        self.headers = headers
        mode: Any = getattr(delivery_mode, "value", delivery_mode)
        self.delivery_mode: int | None = None if mode is None else int(mode)
        self.priority = priority
        self.correlation_id = correlation_id
        self.reply_to = reply_to
        self.expiration = expiration
        self.message_id = message_id
        self.timestamp = timestamp
        self.type = type
        self.user_id = user_id
        self.app_id = app_id
        self.cluster_id = cluster_id

    def as_dict(self) -> dict[str, Any]:
        """The fields that are set, in AMQP order."""
        return {name: getattr(self, name) for name in FIELDS if getattr(self, name) is not None}

    def replace(self, **changes: Any) -> BasicProperties:
        """A copy with some fields changed."""
        values = {name: getattr(self, name) for name in FIELDS}
        values.update(changes)
        return BasicProperties(**values)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BasicProperties):
            return NotImplemented
        return self.as_dict() == other.as_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        """As pika prints them: the set fields as sorted ``'k=v'`` strings (``str`` of each
        value), or ``<BasicProperties>`` when none is."""
        items = sorted(f"{k}={v}" for k, v in self.as_dict().items())
        return f"<BasicProperties({items!r})>" if items else "<BasicProperties>"


EMPTY = BasicProperties()
