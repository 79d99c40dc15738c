"""Routing-key and header matching, as pure functions (no simulation state).

RabbitMQ's topic exchange splits keys and patterns on ``.`` into words; the empty key
``""`` has no words at all, while ``"."`` has two empty words. ``*`` matches exactly one
word (which may be empty), ``#`` zero or more words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

X_MATCH_VALUES = ("all", "any", "all-with-x", "any-with-x")


def words(key: str) -> list[str]:
    """The words of a routing key or binding pattern (``""`` has none)."""
    return key.split(".") if key else []


def topic_matches(pattern: str, key: str) -> bool:
    """True if the topic binding ``pattern`` matches routing ``key`` (RabbitMQ's rules)."""
    pat = words(pattern)
    keys = words(key)
    # reach[j]: the first i pattern words can match the first j key words.
    reach = [True] + [False] * len(keys)
    for word in pat:
        if word == "#":
            for j in range(1, len(keys) + 1):
                reach[j] = reach[j] or reach[j - 1]
        else:
            for j in range(len(keys), 0, -1):
                reach[j] = reach[j - 1] and (word == "*" or word == keys[j - 1])
            reach[0] = False
    return reach[len(keys)]


def x_match_error(arguments: Mapping[str, Any] | None) -> str | None:
    """RabbitMQ's complaint about a headers binding's ``x-match``, or None if it is valid."""
    if not arguments or "x-match" not in arguments:
        return None
    value = arguments["x-match"]
    if isinstance(value, str):
        if value in X_MATCH_VALUES:
            return None
        return (
            f'Invalid x-match field value <<"{value}">>; '
            "expected all, any, all-with-x, or any-with-x"
        )
    return f"Invalid x-match field type {type(value).__name__} (value {value!r}); expected longstr"


def same_value(a: Any, b: Any) -> bool:
    """AMQP field equality: type-sensitive (``1`` is not ``"1"`` nor ``True``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def headers_match(arguments: Mapping[str, Any] | None, headers: Mapping[str, Any] | None) -> bool:
    """True if a headers-exchange binding with ``arguments`` matches message ``headers``.

    ``x-match`` is ``all`` (default), ``any``, ``all-with-x`` or ``any-with-x``; the plain
    modes ignore binding arguments starting with ``x-``. ``all`` over no arguments matches
    every message, ``any`` over none matches nothing. A binding value of ``None`` (AMQP
    void) only asks for the header to be present.
    """
    args = arguments or {}
    mode = args.get("x-match", "all")
    with_x = mode.endswith("-with-x")
    wanted = [
        (k, v) for k, v in args.items() if k != "x-match" and (with_x or not k.startswith("x-"))
    ]
    have = headers or {}

    def one(item: tuple[str, Any]) -> bool:
        name, value = item
        if name not in have:
            return False
        return value is None or same_value(value, have[name])

    if mode.startswith("any"):
        return any(one(item) for item in wanted)
    return all(one(item) for item in wanted)
