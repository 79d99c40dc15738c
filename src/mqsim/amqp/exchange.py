"""Exchanges: a name, a type and the bindings that leave it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mqsim.amqp.matching import headers_match, topic_matches

EXCHANGE_TYPES = ("direct", "fanout", "topic", "headers")

#: Exchanges every vhost has, with their types (all durable).
BUILTIN = {
    "": "direct",
    "amq.direct": "direct",
    "amq.fanout": "fanout",
    "amq.topic": "topic",
    "amq.headers": "headers",
    "amq.match": "headers",
}


@dataclass(frozen=True, slots=True)
class Binding:
    """A binding from ``source`` exchange to a queue or exchange ``destination``."""

    source: str
    destination: str
    to_exchange: bool
    routing_key: str
    arguments: Mapping[str, Any]

    @property
    def identity(self) -> tuple[str, bool, str, str]:
        """What makes two bindings the same binding."""
        return (self.destination, self.to_exchange, self.routing_key, repr(self.arguments))


@dataclass(frozen=True, slots=True)
class ExchangeStatistics:
    """A snapshot of an exchange."""

    name: str
    type: str
    durable: bool
    auto_delete: bool
    internal: bool
    bindings: int


class Exchange:
    """An exchange; ``bindings`` keep their creation order."""

    def __init__(
        self,
        name: str,
        type: str,
        *,
        durable: bool = False,
        auto_delete: bool = False,
        internal: bool = False,
        arguments: Mapping[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.type = type
        self.durable = durable
        self.auto_delete = auto_delete
        self.internal = internal
        self.arguments: dict[str, Any] = dict(arguments or {})
        self.bindings: dict[tuple[str, bool, str, str], Binding] = {}
        self._direct: dict[str, list[Binding]] = {}

    @property
    def builtin(self) -> bool:
        """True for the default exchange and the ``amq.*`` ones."""
        return self.name in BUILTIN

    @property
    def alternate(self) -> str | None:
        """The ``alternate-exchange`` argument, if it is a string."""
        value = self.arguments.get("alternate-exchange")
        return value if isinstance(value, str) else None

    def add(self, binding: Binding) -> bool:
        """Add a binding; False if it already existed."""
        if binding.identity in self.bindings:
            return False
        self.bindings[binding.identity] = binding
        self._direct.setdefault(binding.routing_key, []).append(binding)
        return True

    def remove(self, binding: Binding) -> bool:
        """Remove a binding; False if there was none."""
        if self.bindings.pop(binding.identity, None) is None:
            return False
        same_key = self._direct[binding.routing_key]
        same_key[:] = [b for b in same_key if b.identity != binding.identity]
        if not same_key:
            del self._direct[binding.routing_key]
        return True

    def match(self, routing_keys: list[str], headers: Mapping[str, Any] | None) -> list[Binding]:
        """The bindings a message with these routing keys (key + CC/BCC) and headers takes."""
        kind = self.type
        if kind == "direct":
            if len(routing_keys) == 1:
                return self._direct.get(routing_keys[0], [])
            found: list[Binding] = []
            for key in routing_keys:
                found.extend(self._direct.get(key, ()))
            return found
        if kind == "fanout":
            return list(self.bindings.values())
        if kind == "topic":
            return [
                b
                for b in self.bindings.values()
                if any(topic_matches(b.routing_key, key) for key in routing_keys)
            ]
        return [b for b in self.bindings.values() if headers_match(b.arguments, headers)]

    def statistics(self) -> ExchangeStatistics:
        """A snapshot of this exchange."""
        return ExchangeStatistics(
            self.name,
            self.type,
            self.durable,
            self.auto_delete,
            self.internal,
            len(self.bindings),
        )

    def __repr__(self) -> str:
        return f"<Exchange {self.name!r} {self.type} bindings={len(self.bindings)}>"
