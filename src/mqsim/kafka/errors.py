"""The error a Kafka broker or librdkafka reports, as the model raises and passes it.

Kafka: a broker answers each request with an error code (``UNKNOWN_TOPIC_OR_PART`` = 3,
``NOT_ENOUGH_REPLICAS`` = 19, ...); librdkafka adds local codes below zero
(``_MSG_TIMED_OUT`` = -192, ``_PARTITION_EOF`` = -191, ...). mqsim: the models raise or
report :class:`KafkaModelError` carrying the name, the number and librdkafka's text; the
confluent-kafka facade turns it into ``KafkaError``/``KafkaException``.
"""

from __future__ import annotations

from mqsim.kafka import codes


class KafkaModelError(Exception):
    """A Kafka error: ``name`` (``"NOT_ENOUGH_REPLICAS"``), ``code``, ``text``, flags."""

    def __init__(
        self,
        name: str,
        text: str | None = None,
        *,
        fatal: bool | None = None,
        retriable: bool | None = None,
        txn_requires_abort: bool = False,
    ) -> None:
        known = codes.by_name(name)
        self.name = known.name
        self.code = known.code
        self.text = known.description if text is None else text
        self.fatal = known.fatal if fatal is None else fatal
        self.retriable = known.retriable if retriable is None else retriable
        self.txn_requires_abort = txn_requires_abort
        super().__init__(self.text)

    def __repr__(self) -> str:
        return f"KafkaModelError({self.name}, {self.text!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, KafkaModelError):
            return NotImplemented
        return (self.code, self.text) == (other.code, other.text)

    def __hash__(self) -> int:
        return hash((self.code, self.text))


def error(name: str, text: str | None = None) -> KafkaModelError:
    """The error ``name`` with librdkafka's text (or ``text``)."""
    return KafkaModelError(name, text)


__all__ = ["KafkaModelError", "error"]
