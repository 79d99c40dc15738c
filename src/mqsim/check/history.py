"""Per-message views of a trace: each message's records, its system and its publication.

Everything here reads only the trace vocabulary of ``docs/trace.md``; records arrive in
trace order (a live ``world.trace`` or :func:`mqsim.read_jsonl`) and keep that order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from mqsim.sim import TraceRecord

History = tuple[TraceRecord, ...]

#: Drop reasons that end a copy on purpose: configuration or an explicit client decision.
#: A copy that ends with any other reason (``crash``, ``client-crash``, ``truncated``, a
#: reason this checker does not know) without being consumed counts as lost.
#: ``auto-delete`` (an auto-delete queue went with its last consumer) and ``topic-deleted``
#: are emitted by the models beside the reasons listed in ``docs/trace.md``.
DELIBERATE_DROPS = frozenset(
    {
        "unroutable",
        "expired",
        "maxlen",
        "rejected",
        "dead-lettered",
        "delivery-limit",
        "purged",
        "queue-deleted",
        "auto-delete",
        "topic-deleted",
        "compacted",
        "cycle",
        "tx-rollback",
        "reject-publish",
        "too-large",
        "not-delivered",
    }
)


def delivery_histories(records: Iterable[TraceRecord]) -> dict[str, History]:
    """Every record that names a message, grouped by message id in order of first mention."""
    groups: dict[str, list[TraceRecord]] = {}
    for record in records:
        if record.msg is not None:
            groups.setdefault(record.msg, []).append(record)
    return {msg: tuple(found) for msg, found in groups.items()}


def publication(history: Sequence[TraceRecord]) -> TraceRecord | None:
    """The message's first ``msg.publish`` record, or None if it was never published."""
    for record in history:
        if record.kind == "msg.publish":
            return record
    return None


def system_of(history: Sequence[TraceRecord]) -> str:
    """``"amqp"`` or ``"kafka"``: the publish record's ``system``, else guessed from offsets.

    A message without a publish record (an unexpected one) is Kafka's if any of its
    records carries an ``offset`` or a ``group``, or is a ``kafka.`` record.
    """
    published = publication(history)
    if published is not None and published.get("system") in ("amqp", "kafka"):
        return str(published.get("system"))
    for record in history:
        if (
            record.kind.startswith("kafka.")
            or "offset" in record.fields
            or "group" in record.fields
        ):
            return "kafka"
    return "amqp"


def is_promised(history: Sequence[TraceRecord]) -> bool:
    """True unless the client asked for a confirmation and did not get a positive one.

    A publisher that asked for confirms is only promised the messages confirmed ``ok``;
    one that asked for none was told nothing, so every accepted publish counts.
    """
    published = publication(history)
    if published is None:
        return False
    if not published.get("confirm", False):
        return True
    return is_confirmed(history)


def is_confirmed(history: Sequence[TraceRecord]) -> bool:
    """True if the client asked for a confirmation and its last verdict was ``ok``."""
    published = publication(history)
    if published is None or not published.get("confirm", False):
        return False
    verdict = None
    for record in history:
        if record.kind == "msg.confirm":
            verdict = bool(record.get("ok", False))
    return verdict is True
