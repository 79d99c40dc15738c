"""``KafkaError`` and ``KafkaException`` as confluent-kafka defines them.

confluent-kafka: ``KafkaError(code, reason=None, fatal=False, retriable=False,
txn_requires_abort=False)`` carries a librdkafka error code (class attributes name them:
``KafkaError._PARTITION_EOF == -191``), its name and text; it compares equal to its code.
``KafkaException(KafkaError)`` is what the client raises.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

from mqsim.kafka import codes
from mqsim.kafka.errors import KafkaModelError


class _CodeNames(type):
    """The metaclass that tells type checkers about the code attributes
    (``KafkaError._NO_OFFSET``...), which are set from :mod:`mqsim.kafka.codes` below."""

    if TYPE_CHECKING:

        def __getattr__(cls, name: builtins.str) -> int: ...


class KafkaError(metaclass=_CodeNames):
    """A Kafka error: ``code()``, ``name()``, ``str()``, ``fatal()``, ``retriable()``."""

    __slots__ = ("_code", "_fatal", "_name", "_retriable", "_str", "_txn_requires_abort")

    def __init__(
        self,
        error: int,
        reason: builtins.str | None = None,
        fatal: bool = False,
        retriable: bool = False,
        txn_requires_abort: bool = False,
    ) -> None:
        if isinstance(error, bool) or not isinstance(error, int):
            raise TypeError("an integer is required")
        self._code = error
        try:
            known = codes.by_code(error)
            self._name = known.name
            text = known.description
        except ValueError:
            self._name = f"ERR_{error}?"
            text = f"Err-{error}?"
        self._str = text if reason is None else reason
        self._fatal = bool(fatal)
        self._retriable = bool(retriable)
        self._txn_requires_abort = bool(txn_requires_abort)

    def code(self) -> int:
        """The numeric error code."""
        return self._code

    def name(self) -> builtins.str:
        """librdkafka's name of the code (``"_PARTITION_EOF"``)."""
        return self._name

    def str(self) -> str:
        """The human-readable text."""
        return self._str

    def fatal(self) -> bool:
        """True for a fatal error (the client instance is unusable)."""
        return self._fatal

    def retriable(self) -> bool:
        """True if the operation may be retried."""
        return self._retriable

    def txn_requires_abort(self) -> bool:
        """True if the current transaction must be aborted."""
        return self._txn_requires_abort

    def __repr__(self) -> builtins.str:
        fatal = "FATAL," if self._fatal else ""
        return f'KafkaError{{{fatal}code={self._name},val={self._code},str="{self._str}"}}'

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if isinstance(other, KafkaError):
            return self._code == other._code
        if isinstance(other, int):
            return self._code == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._code)

    def __lt__(self, other: Any) -> bool:
        return self._code < (other._code if isinstance(other, KafkaError) else other)


for _entry in codes.ERRORS:
    setattr(KafkaError, _entry.name, _entry.code)


class KafkaException(Exception):
    """Raised by the client: ``args[0]`` is a :class:`KafkaError` (or a message)."""


class ConsumeError(KafkaException):
    """A consume failed (DeserializingConsumer)."""


class ProduceError(KafkaException):
    """A produce failed (SerializingProducer)."""


def from_model(problem: KafkaModelError) -> KafkaError:
    """The facade's KafkaError for a model error (flags as librdkafka sets them on messages)."""
    return KafkaError(problem.code, problem.text)


def txn_error(problem: KafkaModelError) -> KafkaError:
    """The KafkaError of a transactional API call, with fatal/retriable/abort flags."""
    return KafkaError(
        problem.code,
        problem.text,
        fatal=problem.fatal,
        retriable=problem.retriable,
        txn_requires_abort=problem.txn_requires_abort,
    )


def raise_model(problem: KafkaModelError) -> KafkaException:
    """The exception confluent-kafka raises for a model error."""
    return KafkaException(from_model(problem))


__all__ = ["ConsumeError", "KafkaError", "KafkaException", "ProduceError"]
