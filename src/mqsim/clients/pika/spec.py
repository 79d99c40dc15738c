"""pika.spec: the method objects a BlockingChannel hands back, and BasicProperties."""

from __future__ import annotations

from typing import Any

from mqsim.amqp import codes
from mqsim.amqp.properties import BasicProperties

PERSISTENT_DELIVERY_MODE = 2
TRANSIENT_DELIVERY_MODE = 1

REPLY_SUCCESS = codes.REPLY_SUCCESS
NO_ROUTE = codes.NO_ROUTE
ACCESS_REFUSED = codes.ACCESS_REFUSED
NOT_FOUND = codes.NOT_FOUND
RESOURCE_LOCKED = codes.RESOURCE_LOCKED
PRECONDITION_FAILED = codes.PRECONDITION_FAILED
CONNECTION_FORCED = codes.CONNECTION_FORCED
CHANNEL_ERROR = codes.CHANNEL_ERROR
COMMAND_INVALID = codes.COMMAND_INVALID
NOT_ALLOWED = codes.NOT_ALLOWED
NOT_IMPLEMENTED = codes.NOT_IMPLEMENTED
INTERNAL_ERROR = codes.INTERNAL_ERROR


class _Method:
    """An AMQP method frame's arguments; repr like pika's."""

    NAME = ""

    def __repr__(self) -> str:
        """pika's: the fields that are set (not None) as sorted ``'k=v'`` strings (``str``
        of each value), or just the name when none is."""
        items = sorted(f"{k}={v}" for k, v in vars(self).items() if v is not None)
        return f"<{self.NAME}({items!r})>" if items else f"<{self.NAME}>"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]


class Basic:
    """Methods of the ``basic`` class."""

    class Deliver(_Method):
        NAME = "Basic.Deliver"

        def __init__(
            self,
            consumer_tag: str | None = None,
            delivery_tag: int | None = None,
            redelivered: bool = False,
            exchange: str | None = None,
            routing_key: str | None = None,
        ) -> None:
            self.consumer_tag = consumer_tag
            self.delivery_tag = delivery_tag
            self.redelivered = redelivered
            self.exchange = exchange
            self.routing_key = routing_key

    class GetOk(_Method):
        NAME = "Basic.GetOk"

        def __init__(
            self,
            delivery_tag: int | None = None,
            redelivered: bool = False,
            exchange: str | None = None,
            routing_key: str | None = None,
            message_count: int | None = None,
        ) -> None:
            self.delivery_tag = delivery_tag
            self.redelivered = redelivered
            self.exchange = exchange
            self.routing_key = routing_key
            self.message_count = message_count

    class Return(_Method):
        NAME = "Basic.Return"

        def __init__(
            self,
            reply_code: int | None = None,
            reply_text: str = "",
            exchange: str | None = None,
            routing_key: str | None = None,
        ) -> None:
            self.reply_code = reply_code
            self.reply_text = reply_text
            self.exchange = exchange
            self.routing_key = routing_key

    class Ack(_Method):
        NAME = "Basic.Ack"

        def __init__(self, delivery_tag: int = 0, multiple: bool = False) -> None:
            self.delivery_tag = delivery_tag
            self.multiple = multiple

    class Nack(_Method):
        NAME = "Basic.Nack"

        def __init__(
            self, delivery_tag: int = 0, multiple: bool = False, requeue: bool = True
        ) -> None:
            self.delivery_tag = delivery_tag
            self.multiple = multiple
            self.requeue = requeue

    class Cancel(_Method):
        NAME = "Basic.Cancel"

        def __init__(self, consumer_tag: str | None = None, nowait: bool = False) -> None:
            self.consumer_tag = consumer_tag
            self.nowait = nowait

    class ConsumeOk(_Method):
        NAME = "Basic.ConsumeOk"

        def __init__(self, consumer_tag: str | None = None) -> None:
            self.consumer_tag = consumer_tag

    class QosOk(_Method):
        NAME = "Basic.QosOk"

    class RecoverOk(_Method):
        NAME = "Basic.RecoverOk"


class Queue:
    """Methods of the ``queue`` class."""

    class DeclareOk(_Method):
        NAME = "Queue.DeclareOk"

        def __init__(
            self,
            queue: str | None = None,
            message_count: int | None = None,
            consumer_count: int | None = None,
        ) -> None:
            self.queue = queue
            self.message_count = message_count
            self.consumer_count = consumer_count

    class BindOk(_Method):
        NAME = "Queue.BindOk"

    class UnbindOk(_Method):
        NAME = "Queue.UnbindOk"

    class PurgeOk(_Method):
        NAME = "Queue.PurgeOk"

        def __init__(self, message_count: int | None = None) -> None:
            self.message_count = message_count

    class DeleteOk(_Method):
        NAME = "Queue.DeleteOk"

        def __init__(self, message_count: int | None = None) -> None:
            self.message_count = message_count


class Exchange:
    """Methods of the ``exchange`` class."""

    class DeclareOk(_Method):
        NAME = "Exchange.DeclareOk"

    class DeleteOk(_Method):
        NAME = "Exchange.DeleteOk"

    class BindOk(_Method):
        NAME = "Exchange.BindOk"

    class UnbindOk(_Method):
        NAME = "Exchange.UnbindOk"


class Tx:
    """Methods of the ``tx`` class."""

    class SelectOk(_Method):
        NAME = "Tx.SelectOk"

    class CommitOk(_Method):
        NAME = "Tx.CommitOk"

    class RollbackOk(_Method):
        NAME = "Tx.RollbackOk"


class Confirm:
    """Methods of the ``confirm`` class."""

    class SelectOk(_Method):
        NAME = "Confirm.SelectOk"


def _unused(*_args: Any) -> None:
    """Keeps the module's public names explicit."""


__all__ = [
    "PERSISTENT_DELIVERY_MODE",
    "TRANSIENT_DELIVERY_MODE",
    "Basic",
    "BasicProperties",
    "Confirm",
    "Exchange",
    "Queue",
    "Tx",
]
