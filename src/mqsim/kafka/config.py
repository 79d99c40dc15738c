"""Client configuration as librdkafka reads it: names, aliases, types, ranges, defaults.

librdkafka validates every property when the client is created and answers a bad one with
``_INVALID_ARG`` and a precise sentence ("No such configuration property: "foo"",
"Invalid value for configuration property "request.required.acks"", ...). confluent-kafka
adds its Python-level properties (``on_delivery``, ``error_cb``, ``on_commit``, ...).
:func:`parse_client_config` reproduces both; the property table is
:data:`mqsim.kafka.properties.PROPERTIES`. Values are stored under the canonical name
(``linger.ms`` -> ``queue.buffering.max.ms``); :class:`ClientConfig` answers lookups by
any alias.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from mqsim.kafka.errors import KafkaModelError
from mqsim.kafka.properties import PROPERTIES

#: confluent-kafka's own properties (not librdkafka's): name -> (scope, kind of check).
PYTHON_PROPERTIES: dict[str, str] = {
    "error_cb": "typeerror",
    "throttle_cb": "typeerror",
    "stats_cb": "typeerror",
    "oauth_cb": "typeerror",
    "on_delivery": "invalid_arg",
    "on_commit": "invalid_arg",
    "logger": "any",
}

_TRUE = ("true", "t", "1", "yes", "y", "on")
_FALSE = ("false", "f", "0", "no", "n", "off")
_NAMED_INTS = {"request.required.acks": {"all": -1}}


def canonical(name: str) -> str:
    """The property ``name`` stands for (``linger.ms`` -> ``queue.buffering.max.ms``)."""
    entry = PROPERTIES.get(name)
    if entry is not None and entry[4] is not None:
        return entry[4]
    return name


def _invalid(text: str) -> KafkaModelError:
    return KafkaModelError("_INVALID_ARG", text)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _parse_value(name: str, value: Any) -> Any:
    scope, kind, allowed, _default, _alias = PROPERTIES[name]
    del scope
    if kind == "api":
        raise _invalid(f'Property "{name}" must be set through dedicated .._set_..() function')
    if value is None and kind in ("int", "float"):
        raise _invalid(f'Integer configuration property "{name}" cannot be set to empty value')
    text = "" if value is None else _as_text(value).strip()
    if kind in ("int", "float"):
        named = _NAMED_INTS.get(name, {})
        number: float
        if text.lower() in named:
            number = named[text.lower()]
        else:
            try:
                number = int(text) if kind == "int" else float(text)
            except ValueError:
                raise _invalid(f'Invalid value for configuration property "{name}"') from None
        low, high = (float(x) for x in allowed.split(" .. "))
        if not low <= number <= high:
            shown = f"{number:g}" if kind == "float" else str(int(number))
            raise _invalid(
                f'Configuration property "{name}" value {shown} is outside allowed range '
                f"{int(low)}..{int(high)}\n"
            )
        return int(number) if kind == "int" else float(number)
    if kind == "bool":
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise _invalid(f'Expected bool value for "{name}": true or false')
    if kind == "enum":
        choices = [c.strip() for c in allowed.split(",")]
        if text not in choices:
            raise _invalid(f'Invalid value "{text}" for configuration property "{name}"')
        return text
    if name == "partitioner":
        from mqsim.kafka.partitioner import PARTITIONERS

        if text not in PARTITIONERS:
            raise _invalid(f'Invalid value for configuration property "partitioner": {text}')
        return text
    if kind == "flags":
        choices = [c.strip() for c in allowed.split(",")]
        for flag in (f.strip() for f in text.split(",") if f.strip()):
            if flag not in choices:
                raise _invalid(f'Invalid value "{flag}" for configuration property "{name}"')
        return text
    return text


class ClientConfig(Mapping[str, Any]):
    """A validated client configuration: librdkafka defaults plus what the user set.

    ``config["linger.ms"]`` and ``config["queue.buffering.max.ms"]`` are the same value.
    ``explicit`` holds the canonical names the user set. Python-level callables are in
    ``callbacks``.
    """

    def __init__(
        self, values: dict[str, Any], explicit: frozenset[str], callbacks: dict[str, Any]
    ) -> None:
        self._values = values
        self.explicit = explicit
        self.callbacks = callbacks

    def __getitem__(self, name: str) -> Any:
        return self._values[canonical(name)]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def is_set(self, name: str) -> bool:
        """True if the user set ``name`` (or one of its aliases)."""
        return canonical(name) in self.explicit

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={self._values[k]!r}" for k in sorted(self.explicit))
        return f"<ClientConfig {shown}>"


def _defaults() -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, (_scope, kind, _allowed, default, alias) in PROPERTIES.items():
        if alias is not None or kind == "api":
            continue
        if kind in ("int", "float") and default == "":
            continue
        try:
            values[name] = _parse_value(name, default)
        except KafkaModelError:
            values[name] = default
    return values


_DEFAULTS: dict[str, Any] = _defaults()


def parse_client_config(
    conf: Mapping[str, Any], *, role: str, extra_check: Callable[[ClientConfig], None] | None = None
) -> ClientConfig:
    """Validate ``conf`` as librdkafka and confluent-kafka do for a ``role`` client.

    ``role`` is ``"producer"``, ``"consumer"`` or ``"admin"``. Raises
    :class:`KafkaModelError` (``_INVALID_ARG``) with librdkafka's sentence, ``TypeError``
    where confluent-kafka raises one. Properties of the other role are accepted and
    ignored, as librdkafka does (it logs a ``CONFWARN``).
    """
    values = dict(_DEFAULTS)
    explicit: set[str] = set()
    callbacks: dict[str, Any] = {}
    for name, value in conf.items():
        if not isinstance(name, str):
            raise TypeError("expected configuration dict")
        check = PYTHON_PROPERTIES.get(name)
        if check is not None:
            if check == "typeerror" and not callable(value):
                raise TypeError(f"expected {name} property as a callable function")
            if check == "invalid_arg" and not callable(value):
                raise _invalid(f"{name} requires a callable object")
            callbacks[name] = value
            continue
        if name not in PROPERTIES:
            raise _invalid(f'No such configuration property: "{name}"')
        target = canonical(name)
        values[target] = _parse_value(target, value)
        explicit.add(target)
    config = ClientConfig(values, frozenset(explicit), callbacks)
    if role == "producer":
        _check_producer(config)
    if extra_check is not None:
        extra_check(config)
    return config


def _check_producer(config: ClientConfig) -> None:
    idempotent = config["enable.idempotence"] or bool(config.get("transactional.id"))
    if not idempotent:
        return
    if config.is_set("acks") and config["acks"] != -1:
        raise _invalid(
            "Failed to create producer: `acks` must be set to `all` when "
            "`enable.idempotence` is true"
        )
    if config.is_set("max.in.flight") and config["max.in.flight"] > 5:
        raise _invalid(
            "Failed to create producer: `max.in.flight` must be set <= 5 when "
            "`enable.idempotence` is true"
        )
    if config.is_set("retries") and config["retries"] < 1:
        raise _invalid(
            "Failed to create producer: `retries` must be set >= 1 when "
            "`enable.idempotence` is true"
        )


__all__ = ["PYTHON_PROPERTIES", "ClientConfig", "canonical", "parse_client_config"]
