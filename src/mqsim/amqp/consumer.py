"""A consumer: a subscription of one channel to one queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mqsim.amqp.channel import Channel
    from mqsim.amqp.queue import Queue


@dataclass(frozen=True, slots=True)
class ConsumerStatistics:
    """A snapshot of a consumer."""

    tag: str
    queue: str
    no_ack: bool
    exclusive: bool
    priority: int
    prefetch: int
    unacked: int
    active: bool


class Consumer:
    """``prefetch`` is the per-consumer limit in force when it was created (0: none)."""

    __slots__ = (
        "active",
        "arguments",
        "channel",
        "exclusive",
        "no_ack",
        "prefetch",
        "priority",
        "queue",
        "tag",
        "unacked",
    )

    def __init__(
        self,
        tag: str,
        channel: Channel,
        queue: Queue,
        *,
        no_ack: bool,
        exclusive: bool,
        arguments: dict[str, Any],
        prefetch: int,
    ) -> None:
        self.tag = tag
        self.channel = channel
        self.queue = queue
        self.no_ack = no_ack
        self.exclusive = exclusive
        self.arguments = arguments
        priority = arguments.get("x-priority", 0)
        self.priority = priority if isinstance(priority, int) else 0
        self.prefetch = prefetch
        self.unacked = 0
        self.active = True

    def can_take(self) -> bool:
        """True if the broker may send it another message now."""
        if not self.active:
            return False
        if self.no_ack:
            return self.channel.flow
        if self.prefetch and self.unacked >= self.prefetch:
            return False
        return self.channel.can_take()

    def statistics(self) -> ConsumerStatistics:
        """A snapshot of this consumer."""
        return ConsumerStatistics(
            self.tag,
            self.queue.name,
            self.no_ack,
            self.exclusive,
            self.priority,
            self.prefetch,
            self.unacked,
            self.active,
        )

    def __repr__(self) -> str:
        return f"<Consumer {self.tag!r} on {self.queue.name!r} unacked={self.unacked}>"
