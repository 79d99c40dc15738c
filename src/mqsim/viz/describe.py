"""One short sentence per trace record, shared by the timeline, the diagram and the page.

Reads only the vocabulary of ``docs/trace.md``; an unknown kind is shown as its fields.
Everything is deterministic: no ``id()``, no set order, fields in sorted order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mqsim.sim import TraceRecord

#: Drop reasons that mean something failed (highlighted), as opposed to configuration.
FAILURE_DROPS = ("crash", "client-crash", "truncated")

_KERNEL_FAULTS = ("net.partition", "net.drop", "net.hold")


def preview(value: Any, width: int = 24) -> str:
    """A field value as short text: bytes as their repr, lists comma-separated, None as -."""
    if value is None:
        text = "-"
    elif isinstance(value, bytes | bytearray):
        text = repr(bytes(value))
    elif isinstance(value, list | tuple):
        text = "[" + ", ".join(preview(item, width) for item in value) + "]"
    elif isinstance(value, float):
        text = f"{value:g}"
    else:
        text = str(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def is_fault(record: TraceRecord) -> bool:
    """Crashes, partitions, network drops, lost partitions and drops caused by a failure."""
    kind = record.kind
    if kind.startswith("fault.") or kind in _KERNEL_FAULTS or kind == "kafka.lost":
        return True
    if kind == "msg.drop":
        return record.get("reason") in FAILURE_DROPS
    if kind in ("msg.confirm", "kafka.commit"):
        return record.get("ok", True) is False
    return False


def dest_label(record: TraceRecord) -> str:
    """The exchange or topic a record names, with AMQP's default exchange spelled out."""
    dest = record.get("dest")
    if record.get("system") == "kafka":
        return f"topic {dest}"
    return "default exchange" if dest in ("", None) else f"exchange {dest}"


def describe(record: TraceRecord) -> str:
    """What happened, in a few words (message id and actor are shown elsewhere)."""
    writer = _WRITERS.get(record.kind)
    if writer is not None:
        return writer(record)
    return " ".join(f"{name}={preview(record.fields[name])}" for name in sorted(record.fields))


def _at(record: TraceRecord) -> str:
    offset = record.get("offset")
    return "" if offset is None else f"@{offset}"


def _publish(r: TraceRecord) -> str:
    confirm = ", confirm" if r.get("confirm") else ""
    key, body = preview(r.get("key")), preview(r.get("body"))
    return f"publish to {dest_label(r)} key={key} body={body}{confirm}"


def _confirm(r: TraceRecord) -> str:
    return "confirmed" if r.get("ok") else f"confirm failed: {preview(r.get('error'), 40)}"


def _route(r: TraceRecord) -> str:
    queues = r.get("queues") or []
    dest = "default exchange" if r.get("dest") in ("", None) else f"exchange {r.get('dest')}"
    return f"{dest} routed to {preview(queues, 60)}" if queues else f"unroutable at {dest}"


def _deliver(r: TraceRecord) -> str:
    again = " (redelivered)" if r.get("redelivered") else ""
    return f"deliver from {r.get('where')}{_at(r)} to {r.get('consumer')}{again}"


def _consume(r: TraceRecord) -> str:
    group = "" if r.get("group") is None else f" group {r.get('group')}"
    again = " (redelivered)" if r.get("redelivered") else ""
    return f"received from {r.get('where')}{_at(r)}{group}{again}"


def _drop(r: TraceRecord) -> str:
    where = "" if r.get("where") is None else f" from {r.get('where')}{_at(r)}"
    target = "" if r.get("to") is None else f" to {r.get('to')}"
    return f"dropped{where}: {r.get('reason')}{target}"


def _commit(r: TraceRecord) -> str:
    failed = "" if r.get("ok", True) else f" failed: {r.get('error')}"
    where = f"{r.get('topic')}/{r.get('partition')}"
    return f"commit group {r.get('group')} {where}@{r.get('offset')}{failed}"


def _assignment(verb: str) -> Callable[[TraceRecord], str]:
    def write(r: TraceRecord) -> str:
        parts = preview(r.get("partitions") or [], 60)
        return f"{verb} {parts} (group {r.get('group')}, generation {r.get('generation')})"

    return write


def _leader(r: TraceRecord) -> str:
    unclean = "" if r.get("clean", True) else ", unclean"
    where = f"{r.get('topic')}/{r.get('partition')}"
    return f"leader of {where} is {r.get('leader')} (epoch {r.get('epoch')}{unclean})"


_WRITERS: dict[str, Callable[[TraceRecord], str]] = {
    "msg.publish": _publish,
    "msg.confirm": _confirm,
    "msg.store": lambda r: f"stored in {r.get('where')}{_at(r)}",
    "msg.route": _route,
    "msg.deliver": _deliver,
    "msg.consume": _consume,
    "msg.ack": lambda r: f"acked in {r.get('where')} by {r.get('consumer')}",
    "msg.requeue": lambda r: f"requeued in {r.get('where')}: {r.get('reason')}",
    "msg.drop": _drop,
    "msg.return": lambda r: f"returned by {dest_label(r)}: {r.get('code')} {r.get('text')}",
    "kafka.commit": _commit,
    "kafka.assign": _assignment("assigned"),
    "kafka.revoke": _assignment("revoked"),
    "kafka.lost": _assignment("lost"),
    "kafka.rebalance": lambda r: (
        f"rebalance group {r.get('group')} generation {r.get('generation')}: "
        f"{preview(r.get('members') or [], 60)}"
    ),
    "kafka.leader": _leader,
    "kafka.isr": lambda r: f"ISR of {r.get('topic')}/{r.get('partition')}: {preview(r.get('isr'))}",
    "node.add": lambda r: "node added",
    "fault.crash": lambda r: "CRASH",
    "fault.restart": lambda r: "restarted",
    "fault.slow": lambda r: f"slowed down x{preview(r.get('factor'))}",
    "fault.partition": lambda r: f"partition {preview(r.get('a'))} | {preview(r.get('b'))}",
    "fault.heal": lambda r: "heal",
    "net.partition": lambda r: f"network partition {preview(r.get('a'))} | {preview(r.get('b'))}",
    "net.heal": lambda r: f"network healed {preview(r.get('a'))} | {preview(r.get('b'))}",
    "net.drop": lambda r: f"network dropped frame to {r.get('dst')}: {r.get('reason')}",
    "net.hold": lambda r: f"network holds frame to {r.get('dst')} (link cut)",
}
