"""``Message`` and ``TopicPartition`` as confluent-kafka defines them."""

from __future__ import annotations

from typing import Any

from mqsim.clients.confluent_kafka.error import KafkaError

TIMESTAMP_NOT_AVAILABLE = 0
TIMESTAMP_CREATE_TIME = 1
TIMESTAMP_LOG_APPEND_TIME = 2
OFFSET_BEGINNING = -2
OFFSET_END = -1
OFFSET_STORED = -1000
OFFSET_INVALID = -1001


class Message:
    """A consumed record, a delivery report's record, or an error event."""

    __slots__ = (
        "_error",
        "_headers",
        "_key",
        "_latency",
        "_leader_epoch",
        "_offset",
        "_partition",
        "_timestamp",
        "_topic",
        "_value",
    )

    def __init__(
        self,
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
    ) -> None:
        self._topic = topic
        self._partition = partition
        self._offset = offset
        self._key = key
        self._value = value
        self._headers = headers
        self._error = error
        self._timestamp = timestamp
        self._latency = latency
        self._leader_epoch = leader_epoch

    def topic(self) -> str | None:
        """The topic."""
        return self._topic

    def partition(self) -> int | None:
        """The partition."""
        return self._partition

    def offset(self) -> int | None:
        """The offset."""
        return self._offset

    def key(self) -> Any:
        """The key (bytes or None)."""
        return self._key

    def value(self) -> Any:
        """The value (bytes or None); for an error event, its text as bytes."""
        return self._value

    def headers(self) -> list[tuple[str, bytes | None]] | None:
        """The headers as a list of (key, value), or None."""
        headers: list[tuple[str, bytes | None]] | None = self._headers
        return headers

    def error(self) -> KafkaError | None:
        """The error, or None for a normal record."""
        return self._error

    def timestamp(self) -> tuple[int, int]:
        """``(timestamp type, milliseconds)``."""
        return self._timestamp

    def latency(self) -> float | None:
        """Produce-to-delivery-report latency in seconds (delivery reports only)."""
        return self._latency

    def leader_epoch(self) -> int | None:
        """The leader epoch of the record, if known."""
        return self._leader_epoch

    def set_headers(self, headers: Any) -> None:
        """Replace the headers."""
        self._headers = headers

    def set_key(self, key: Any) -> None:
        """Replace the key."""
        self._key = key

    def set_value(self, value: Any) -> None:
        """Replace the value."""
        self._value = value

    def set_topic(self, topic: str) -> None:
        """Replace the topic."""
        self._topic = topic

    def set_error(self, error: KafkaError) -> None:
        """Replace the error."""
        self._error = error

    def __len__(self) -> int:
        value = self._value
        return len(value) if value is not None else 0

    def __repr__(self) -> str:
        if self._error is not None:
            return f"<Message error={self._error!r}>"
        return f"<Message {self._topic}/{self._partition}@{self._offset} key={self._key!r}>"


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
    "Message",
    "TopicPartition",
]
