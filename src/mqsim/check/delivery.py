"""The delivery checker: lost, duplicated, reordered and unexpected messages in a trace.

Like Jepsen's queue checkers it compares what was published with what the applications
received, but it reads the whole message lifecycle (``docs/trace.md``) and so can also
say *why*. The rules, per system:

**Lost.** A published message is lost when the rules below say it is gone, unless the
client asked for a confirmation (AMQP confirm mode, Kafka ``acks`` other than 0) and did
not get a positive one: such a message was never promised to the client, which knows
to publish it again, and it is reported as ``unconfirmed_lost`` instead. A message
published without asking for a confirmation (plain ``basic_publish``, as in most
tutorials) that is gone is ``lost``: nobody told the publisher otherwise.

- AMQP, per queue copy (routing copies a message into each bound queue; ``where`` tells
  the copies apart): the copy's state is its last ``msg.store``/``msg.requeue``/
  ``msg.deliver`` (still held) or ``msg.ack``/``msg.drop`` (ended) record at that queue.
  A copy never consumed from its queue (no ``msg.consume`` there) is lost if it ended
  with an ack (auto-ack: the broker forgot it at delivery, the application never saw
  it), with a drop whose reason is not deliberate (``crash``, ``client-crash``, unknown:
  see :data:`DELIBERATE_DROPS`), or if it was routed to the queue and never stored there.
- Kafka, per consumer group: a consumed record stays in the log, so "stored" says
  nothing. A message is lost for a group responsible for one of its copies
  (:mod:`mqsim.check.groups`) if no member of the group consumed it and every such copy
  is gone from the log (a drop other than ``compacted``: ``retention``, ``truncated``...)
  or was skipped: the group committed an offset past it. A message no group consumed is
  also lost when no copy is left and one ended in a failure (``truncated``, ``crash``),
  whoever was meant to read it. A log ``msg.drop`` ends the copy at its ``offset``; one
  without an offset ends the oldest live copy in that partition (the newest when
  ``truncated``). Producer-side drops (``not-delivered``, ``client-crash``,
  ``too-large``) never remove a log copy: a timed-out batch may have been written.
- Both: a published message with no record of where it went (never stored, routed,
  returned or dropped) is lost: mqsim accounts for every message, so this is a bug.

**Duplicated**: consumed more than once by the same consumer group (Kafka ``group``) or
from the same queue (AMQP ``where``), redeliveries included. **Redelivered**: AMQP
deliveries flagged ``redelivered``. **Reordered**: see :mod:`mqsim.check.ordering`.
**Unexpected**: consumed but never published. **Dead-lettered / expired / dropped**:
``msg.drop`` records (counts by reason); **returned**: ``msg.return``. **Stored**: still
waiting in a broker at the end (AMQP: ready, or delivered but never received by the
application; Kafka: in the log and consumed by no group). **Unacked**: AMQP copies
received by the application and never acknowledged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mqsim.check.groups import GroupContext, group_name
from mqsim.check.history import (
    DELIBERATE_DROPS,
    History,
    delivery_histories,
    is_promised,
    publication,
    system_of,
)
from mqsim.check.ordering import find_reorderings
from mqsim.check.report import ANOMALIES, Finding, Reordering, Report
from mqsim.sim import TraceRecord

_HELD = frozenset({"msg.store", "msg.requeue", "msg.deliver"})
_ENDED = frozenset({"msg.ack", "msg.drop"})
# Kafka drops a producer reports about its own buffer: they never remove a log copy.
_KAFKA_CLIENT_DROPS = frozenset({"not-delivered", "client-crash", "too-large"})


def check(records: Iterable[TraceRecord]) -> Report:
    """Check every message of a trace (a live ``world.trace`` or one read back from JSONL)."""
    records = tuple(records)
    histories = delivery_histories(records)
    groups = GroupContext.build(records)
    verdict = _Verdict()
    systems = {msg: system_of(history) for msg, history in histories.items()}
    for msg, history in histories.items():
        _judge(msg, history, systems[msg] == "kafka", groups, verdict)
    reorderings = find_reorderings(records, histories, systems)
    for pair in reorderings:
        detail = f"{pair.scope} {pair.where}: received after {pair.second}"
        verdict.add("reordered", pair.first, pair.where, detail)
    return verdict.report(histories, reorderings)


@dataclass(slots=True)
class _Verdict:
    """Accumulates findings; turns them into a :class:`Report`."""

    findings: list[Finding] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)
    published: int = 0
    consumed: int = 0

    def add(self, kind: str, msg: str, where: object, detail: str) -> None:
        self.findings.append(Finding(kind, msg, "-" if where is None else str(where), detail))

    def report(self, histories: dict[str, History], reorderings: tuple[Reordering, ...]) -> Report:
        rank = {msg: index for index, msg in enumerate(histories)}
        kinds = {name: index for index, name in enumerate(ANOMALIES)}
        findings = sorted(self.findings, key=lambda f: (rank.get(f.msg, -1), kinds[f.kind]))
        ids: dict[str, dict[str, None]] = {name: {} for name in ANOMALIES}
        for finding in findings:
            ids[finding.kind].setdefault(finding.msg)
        return Report(
            published=self.published,
            consumed=self.consumed,
            reordered=reorderings,
            drop_reasons=tuple(sorted(self.reasons.items())),
            findings=tuple(findings),
            **{name: tuple(ids[name]) for name in ANOMALIES if name != "reordered"},
        )


def _judge(
    msg: str, history: History, kafka: bool, groups: GroupContext, verdict: _Verdict
) -> None:
    published = publication(history)
    consumes = [r for r in history if r.kind == "msg.consume"]
    if published is not None:
        verdict.published += 1
    if consumes:
        verdict.consumed += 1
        if published is None:
            verdict.add("unexpected", msg, consumes[0].get("where"), "consumed, never published")
    _note_ends(msg, history, verdict)
    _note_duplicates(msg, consumes, kafka, verdict)
    if published is None:
        return
    lost = "lost" if is_promised(history) else "unconfirmed_lost"
    if kafka:
        _judge_kafka(msg, history, groups, verdict, lost)
    else:
        _judge_amqp(msg, history, verdict, lost)


def _note_ends(msg: str, history: History, verdict: _Verdict) -> None:
    """Drops (by reason), returns and redeliveries: reported, whatever the system."""
    redelivered = False
    for record in history:
        if record.kind == "msg.drop":
            reason = str(record.get("reason", "unknown"))
            verdict.reasons[reason] = verdict.reasons.get(reason, 0) + 1
            where = record.get("where")
            target = f" to {record.get('to')!r}" if record.get("to") is not None else ""
            verdict.add("dropped", msg, where, f"dropped: {reason}{target}")
            if reason == "dead-lettered":
                verdict.add("dead_lettered", msg, where, f"dead-lettered{target}")
            elif reason == "expired":
                verdict.add("expired", msg, where, "expired")
        elif record.kind == "msg.return":
            text = f"{record.get('code')} {record.get('text')}"
            verdict.add("returned", msg, record.get("dest"), f"returned: {text}")
        elif (
            record.kind in ("msg.deliver", "msg.consume")
            and record.get("redelivered")
            and not redelivered
        ):
            redelivered = True
            verdict.add("redelivered", msg, record.get("where"), "redelivered")


def _note_duplicates(msg: str, consumes: list[TraceRecord], kafka: bool, verdict: _Verdict) -> None:
    counts: dict[str, int] = {}
    for record in consumes:
        scope = group_name(record.get("group")) if kafka else str(record.get("where"))
        counts[scope] = counts.get(scope, 0) + 1
    for scope, count in counts.items():
        if count > 1:
            what = f"group {scope!r}" if kafka else f"queue {scope!r}"
            verdict.add("duplicated", msg, scope, f"consumed {count} times by {what}")


@dataclass(slots=True)
class _Copy:
    """One copy of a message: an AMQP queue's, or a Kafka log entry."""

    where: str | None
    offset: int | None = None
    stored_at: float = 0.0
    last: TraceRecord | None = None
    routed: bool = False
    consumed: int = 0


def _judge_amqp(msg: str, history: History, verdict: _Verdict, lost: str) -> None:
    copies: dict[str | None, _Copy] = {}
    explained = False
    for record in history:
        kind = record.kind
        if kind == "msg.route":
            explained = True
            for queue in record.get("queues") or ():
                copies.setdefault(str(queue), _Copy(str(queue))).routed = True
        elif kind == "msg.return":
            explained = True
        elif kind in _HELD or kind in _ENDED or kind == "msg.consume":
            where = record.get("where")
            copy = copies.setdefault(where, _Copy(where))
            if kind == "msg.consume":
                copy.consumed += 1
            else:
                copy.last = record
    for copy in copies.values():
        _judge_amqp_copy(msg, copy, verdict, lost)
    if not copies and not explained:
        verdict.add(lost, msg, None, "published, then no record of where it went")


def _judge_amqp_copy(msg: str, copy: _Copy, verdict: _Verdict, lost: str) -> None:
    last = copy.last
    if last is None:
        if copy.routed and not copy.consumed:
            verdict.add(lost, msg, copy.where, "routed to the queue, never stored there")
    elif last.kind in _HELD:
        if last.kind == "msg.deliver" and copy.consumed:
            verdict.add("unacked", msg, copy.where, "received, never acknowledged")
        else:
            verdict.add("stored", msg, copy.where, f"still in the queue ({last.kind})")
    elif copy.consumed:
        return
    elif last.kind == "msg.ack":
        verdict.add(lost, msg, copy.where, "acknowledged at delivery, never received")
    elif last.get("reason") not in DELIBERATE_DROPS:
        verdict.add(lost, msg, copy.where, f"dropped ({last.get('reason')}), never received")


def _judge_kafka(
    msg: str, history: History, groups: GroupContext, verdict: _Verdict, lost: str
) -> None:
    copies: list[_Copy] = []
    client_drops: list[str] = []
    readers: dict[str, None] = {}
    for record in history:
        if record.kind == "msg.store":
            offset = record.get("offset")
            where = record.get("where")
            copies.append(_Copy(where, None if offset is None else int(offset), record.time))
        elif record.kind == "msg.drop":
            if record.get("where") is None or record.get("reason") in _KAFKA_CLIENT_DROPS:
                client_drops.append(str(record.get("reason")))
            else:
                _drop_kafka_copy(copies, record)
        elif record.kind == "msg.consume":
            readers.setdefault(group_name(record.get("group")))
    alive = [c for c in copies if c.last is None]
    if alive and not readers:
        verdict.add("stored", msg, alive[0].where, "still in the log, read by no group")
    if not readers and not alive:
        _judge_kafka_gone(msg, copies, client_drops, verdict, lost)
    for group in _responsible_groups(copies, groups):
        if group not in readers:
            _judge_kafka_group(msg, group, copies, groups, verdict, lost)


def _drop_kafka_copy(copies: list[_Copy], record: TraceRecord) -> None:
    """End the copy a log drop names: by offset, else the oldest (newest if truncated)."""
    offset = record.get("offset")
    where = record.get("where")
    candidates = [
        c
        for c in copies
        if c.last is None and c.where == where and (offset is None or c.offset == int(offset))
    ]
    if candidates:
        chosen = candidates[-1] if record.get("reason") == "truncated" else candidates[0]
        chosen.last = record


def _judge_kafka_gone(
    msg: str, copies: list[_Copy], client_drops: list[str], verdict: _Verdict, lost: str
) -> None:
    """No group read it and no copy is left: lost if a copy ended in a failure."""
    for copy in copies:
        reason = copy.last.get("reason") if copy.last is not None else None
        if reason not in DELIBERATE_DROPS and reason != "retention":
            verdict.add(lost, msg, copy.where, f"gone from the log ({reason}), read by no group")
            return
    for reason in client_drops:
        if reason not in DELIBERATE_DROPS:
            verdict.add(lost, msg, None, f"dropped by the client ({reason}), never stored")
            return
    if not copies and not client_drops:
        verdict.add(lost, msg, None, "published, then no record of where it went")


def _responsible_groups(copies: list[_Copy], groups: GroupContext) -> list[str]:
    found: dict[str, None] = {}
    for copy in copies:
        for group in groups.groups_of(str(copy.where)):
            if groups.responsible(group, str(copy.where), copy.offset, copy.stored_at):
                found.setdefault(group)
    return list(found)


def _judge_kafka_group(
    msg: str,
    group: str,
    copies: list[_Copy],
    groups: GroupContext,
    verdict: _Verdict,
    lost: str,
) -> None:
    """The group should have read the message and did not: lost if no copy can still be."""
    causes = []
    for copy in copies:
        where = str(copy.where)
        if not groups.responsible(group, where, copy.offset, copy.stored_at):
            continue
        passed = groups.skipped(group, where, copy.offset, copy.stored_at)
        reason = copy.last.get("reason") if copy.last is not None else None
        if passed is not None:
            causes.append(f"{where}@{copy.offset} skipped: group committed offset {passed}")
        elif reason is not None and reason != "compacted":
            causes.append(f"{where}@{copy.offset} gone from the log ({reason})")
        else:
            return
    verdict.add(lost, msg, group, f"never read by group {group!r}: " + "; ".join(causes))
