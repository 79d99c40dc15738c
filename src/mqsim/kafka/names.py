"""Topic-name rules as a Kafka broker enforces them.

Kafka (``org.apache.kafka.common.internals.Topic.validate``): a topic name is 1 to 249
characters from ``[a-zA-Z0-9._-]`` and is neither ``.`` nor ``..``; anything else is
refused with ``INVALID_TOPIC_EXCEPTION`` (17, librdkafka's ``TOPIC_EXCEPTION``). Because
metric names turn ``.`` into ``_``, a broker also refuses to create a topic whose name
equals an existing one up to ``.``/``_`` (``a.b`` vs ``a_b``).

mqsim: the texts are those of Kafka 2.8 to 3.6 (``Topic name "x" is illegal, ...``);
Kafka 3.7+ words them ``Topic name is invalid: ...``. librdkafka's mock cluster does not
validate names at all (see the oracle's errors.json); a real broker does.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "COLLISION_WARNING",
    "INTERNAL_TOPICS",
    "LEGAL_CHARS",
    "MAX_NAME_LENGTH",
    "collides",
    "collision_error",
    "has_collision_chars",
    "is_internal",
    "is_valid_topic_name",
    "topic_exists_error",
    "validate_topic_name",
]

MAX_NAME_LENGTH = 249
"""The longest legal topic name (Java ``String.length()``, UTF-16 code units)."""

LEGAL_CHARS = "[a-zA-Z0-9._-]"
"""The characters a topic name may contain, as Kafka spells the rule."""

INTERNAL_TOPICS: tuple[str, ...] = ("__consumer_offsets", "__transaction_state")
"""Topics the brokers create and use themselves."""

COLLISION_WARNING = (
    "WARNING: Due to limitations in metric names, topics with a period ('.') or "
    "underscore ('_') could collide. To avoid issues it is best to use either, but not both."
)
"""What ``kafka-topics.sh --create`` prints for a name containing '.' or '_'."""

_LEGAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


def _java_length(name: str) -> int:
    """``String.length()`` in Java: characters outside the BMP count twice."""
    return len(name) + sum(1 for c in name if ord(c) > 0xFFFF)


def validate_topic_name(name: str) -> str | None:
    """``None`` if a broker accepts ``name``, else its ``INVALID_TOPIC_EXCEPTION`` message."""
    if not name:
        return "Topic name is illegal, it can't be empty"
    if name in (".", ".."):
        return 'Topic name cannot be "." or ".."'
    if _java_length(name) > MAX_NAME_LENGTH:
        return (
            f"Topic name is illegal, it can't be longer than {MAX_NAME_LENGTH} characters, "
            f"Topic name: {name}"
        )
    if not _LEGAL.issuperset(name):
        return (
            f'Topic name "{name}" is illegal, it contains a character other than '
            "ASCII alphanumerics, '.', '_' and '-'"
        )
    return None


def is_valid_topic_name(name: str) -> bool:
    """Whether a broker accepts ``name`` as a topic name."""
    return validate_topic_name(name) is None


def is_internal(name: str) -> bool:
    """Whether ``name`` is one of the brokers' own topics."""
    return name in INTERNAL_TOPICS


def has_collision_chars(name: str) -> bool:
    """Whether ``name`` contains '.' or '_' (and so could collide with another name)."""
    return "." in name or "_" in name


def collides(a: str, b: str) -> bool:
    """Whether two topic names are equal once every '.' is read as '_'."""
    return a.replace(".", "_") == b.replace(".", "_")


def collision_error(name: str, existing: Iterable[str]) -> str | None:
    """The ``INVALID_TOPIC_EXCEPTION`` message for creating ``name`` next to ``existing``.

    ``None`` when no other existing topic collides with it (an identical name is
    ``TOPIC_ALREADY_EXISTS`` instead, not a collision). The colliding names are listed in
    name order.
    """
    others = sorted({t for t in existing if t != name and collides(t, name)})
    if not others:
        return None
    return f"Topic '{name}' collides with existing topics: {', '.join(others)}"


def topic_exists_error(name: str) -> str:
    """The ``TOPIC_ALREADY_EXISTS`` message a broker gives for creating ``name`` again."""
    return f"Topic '{name}' already exists."
