"""``Message`` and ``TopicPartition`` as confluent-kafka defines them."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import count, repeat
from typing import Any

from mqsim.clients.confluent_kafka.error import KafkaError

TIMESTAMP_NOT_AVAILABLE = 0
TIMESTAMP_CREATE_TIME = 1
TIMESTAMP_LOG_APPEND_TIME = 2
OFFSET_BEGINNING = -2
OFFSET_END = -1
OFFSET_STORED = -1000
OFFSET_INVALID = -1001


_item = tuple.__getitem__
_new = tuple.__new__


class Message(tuple):  # type: ignore[type-arg]
    """A consumed record, a delivery report's record, or an error event.

    confluent-kafka: a C object with getter methods (``value()``, ``offset()``...) and a
    few setters. mqsim: an immutable tuple underneath (so a batch of records becomes
    messages in one C-level pass, see :func:`messages`), with confluent-kafka's methods on
    top; like the real one it is neither iterable nor subscriptable, compares by identity,
    and ``len()`` is the length of the value. A setter switches the instance to a subclass
    that keeps the edits.
    """

    def __new__(
        cls,
        topic: str | None = None,
        partition: int | None = None,
        offset: int | None = None,
        key: Any = None,
        value: Any = None,
        headers: Any = None,
        error: KafkaError | None = None,
        timestamp: tuple[int, int] = (TIMESTAMP_NOT_AVAILABLE, 0),
        latency: float | None = None,
        leader_epoch: int | None = None,
    ) -> Message:
        kind, stamp = timestamp
        context = (topic, partition, leader_epoch, latency, kind, error)
        return _new(cls, (context, offset, key, value, headers, stamp))

    # The tuple: (context, offset, key, value, headers, timestamp ms), where context is
    # (topic, partition, leader epoch, latency, timestamp type, error), shared by every
    # message of a fetched batch.

    def topic(self) -> str | None:
        """The topic."""
        return _item(self, 0)[0]  # type: ignore[no-any-return]

    def partition(self) -> int | None:
        """The partition (None when unassigned: a record that never got one)."""
        partition: int | None = _item(self, 0)[1]
        return None if partition == -1 else partition

    def offset(self) -> int | None:
        """The offset (None when there is none: negative, as for a failed delivery)."""
        offset: int | None = _item(self, 1)
        return None if offset is not None and offset < 0 else offset

    def key(self) -> Any:
        """The key (bytes or None)."""
        return _item(self, 2)

    def value(self) -> Any:
        """The value (bytes or None); for an error event, its text as bytes."""
        return _item(self, 3)

    def headers(self) -> list[tuple[str, bytes | None]] | None:
        """The headers as a list of (key, value), or None."""
        return _item(self, 4)  # type: ignore[no-any-return]

    def error(self) -> KafkaError | None:
        """The error, or None for a normal record."""
        return _item(self, 0)[5]  # type: ignore[no-any-return]

    def timestamp(self) -> tuple[int, int]:
        """``(timestamp type, milliseconds)``."""
        return (_item(self, 0)[4], _item(self, 5))

    def latency(self) -> float | None:
        """Produce-to-delivery-report latency in seconds (delivery reports only)."""
        return _item(self, 0)[3]  # type: ignore[no-any-return]

    def leader_epoch(self) -> int | None:
        """The leader epoch of the record, if known."""
        return _item(self, 0)[2]  # type: ignore[no-any-return]

    def delivery_count(self) -> int | None:
        """Share-group delivery count (KIP-932): None for classic consumers."""
        return None

    def set_headers(self, headers: Any) -> None:
        """Replace the headers."""
        _edit(self, "_headers", headers)

    def set_key(self, key: Any) -> None:
        """Replace the key."""
        _edit(self, "_key", key)

    def set_value(self, value: Any) -> None:
        """Replace the value."""
        _edit(self, "_value", value)

    def set_topic(self, topic: str) -> None:
        """Replace the topic."""
        _edit(self, "_topic", topic)

    def set_error(self, error: KafkaError) -> None:
        """Replace the error."""
        _edit(self, "_error", error)

    def __len__(self) -> int:
        value = self.value()
        return len(value) if value is not None else 0

    def __iter__(self) -> Any:
        raise TypeError(f"'{type(self).__name__}' object is not iterable")

    def __getitem__(self, index: Any) -> Any:
        raise TypeError(f"'{type(self).__name__}' object is not subscriptable")

    def __contains__(self, item: object) -> bool:
        raise TypeError(f"argument of type '{type(self).__name__}' is not iterable")

    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__
    __lt__ = object.__lt__  # type: ignore[operator]
    __le__ = object.__le__  # type: ignore[operator]
    __gt__ = object.__gt__  # type: ignore[operator]
    __ge__ = object.__ge__  # type: ignore[operator]

    def __reduce__(self) -> Any:
        raise TypeError(f"cannot pickle '{type(self).__name__}' object")

    def __repr__(self) -> str:
        if self.error() is not None:
            return f"<Message error={self.error()!r}>"
        return f"<Message {self.topic()}/{self.partition()}@{self.offset()} key={self.key()!r}>"


class _EditedMessage(Message):
    """A message after a setter: the edits live in the instance dict."""

    def topic(self) -> str | None:
        return self.__dict__.get("_topic", _item(self, 0)[0])  # type: ignore[no-any-return]

    def key(self) -> Any:
        return self.__dict__.get("_key", _item(self, 2))

    def value(self) -> Any:
        return self.__dict__.get("_value", _item(self, 3))

    def headers(self) -> list[tuple[str, bytes | None]] | None:
        return self.__dict__.get("_headers", _item(self, 4))  # type: ignore[no-any-return]

    def error(self) -> KafkaError | None:
        return self.__dict__.get("_error", _item(self, 0)[5])  # type: ignore[no-any-return]


_EditedMessage.__name__ = _EditedMessage.__qualname__ = "Message"


def _edit(message: Message, field: str, value: Any) -> None:
    if type(message) is Message:
        message.__class__ = _EditedMessage
    message.__dict__[field] = value


def messages(
    topic: str,
    partition: int,
    first_offset: int,
    keys: Sequence[Any],
    values: Sequence[Any],
    headers: Sequence[Any] | None,
    timestamps: Sequence[int],
    leader_epoch: int,
) -> Any:
    """Messages for parallel lists of records (an iterator; built without Python frames)."""
    context = (topic, partition, leader_epoch, None, TIMESTAMP_CREATE_TIME, None)
    return map(
        _new,
        repeat(Message),
        zip(
            repeat(context),
            count(first_offset),
            keys,
            values,
            repeat(None) if headers is None else headers,
            timestamps,
        ),
    )


class ConsumerGroupMetadata:
    """What ``Consumer.consumer_group_metadata()`` returns: opaque to applications, used by
    ``send_offsets_to_transaction`` (group id, member id, generation)."""

    __slots__ = ("generation", "group_id", "member_id")

    def __init__(self, group_id: str, member_id: str, generation: int) -> None:
        self.group_id = group_id
        self.member_id = member_id
        self.generation = generation

    def __repr__(self) -> str:
        return f"<ConsumerGroupMetadata {self.group_id!r} generation={self.generation}>"


class TopicPartition:
    """A topic, partition and offset (plus metadata, leader epoch, error)."""

    __slots__ = ("error", "leader_epoch", "metadata", "offset", "partition", "topic")

    def __init__(
        self,
        topic: str,
        partition: int = -1,
        offset: int = OFFSET_INVALID,
        metadata: str | None = None,
        leader_epoch: int | None = None,
    ) -> None:
        if not isinstance(topic, str):
            raise TypeError("Topic must be a string")
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.metadata = metadata
        self.leader_epoch = leader_epoch
        self.error: KafkaError | None = None

    def __repr__(self) -> str:
        return (
            f"TopicPartition{{topic={self.topic},partition={self.partition},"
            f"offset={self.offset},leader_epoch={self.leader_epoch},error={self.error}}}"
        )

    __str__ = __repr__

    def _key(self) -> tuple[str, int]:
        return (self.topic, self.partition)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TopicPartition):
            return NotImplemented
        return self._key() == other._key()

    def __lt__(self, other: TopicPartition) -> bool:
        return self._key() < other._key()

    def __hash__(self) -> int:
        return hash(self._key())


__all__ = [
    "OFFSET_BEGINNING",
    "OFFSET_END",
    "OFFSET_INVALID",
    "OFFSET_STORED",
    "TIMESTAMP_CREATE_TIME",
    "TIMESTAMP_LOG_APPEND_TIME",
    "TIMESTAMP_NOT_AVAILABLE",
    "ConsumerGroupMetadata",
    "Message",
    "TopicPartition",
    "messages",
]
