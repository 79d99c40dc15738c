"""The checker's verdict: which messages went wrong, how, and in total.

A :class:`Report` is an immutable value: tuples of message ids per anomaly (in order of
first mention in the trace), the pairs of reordered messages, counts of drops by reason,
and one :class:`Finding` per anomalous message copy for the details.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text

#: Anomaly names, in the order tables and dictionaries list them.
ANOMALIES = (
    "lost",
    "unconfirmed_lost",
    "duplicated",
    "reordered",
    "unexpected",
    "redelivered",
    "dead_lettered",
    "expired",
    "returned",
    "dropped",
    "stored",
    "unacked",
)

#: The anomalies that make :attr:`Report.ok` false: broken delivery promises.
VIOLATIONS = ("lost", "duplicated", "reordered", "unexpected")


@dataclass(frozen=True, slots=True)
class Finding:
    """One anomaly of one message: ``kind`` (an anomaly name), where, and a sentence.

    ``where`` is an AMQP queue, a Kafka ``topic/partition``, a Kafka consumer group, or
    ``"-"`` when the message never reached any of them.
    """

    kind: str
    msg: str
    where: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        """The finding as a JSON-able dictionary."""
        return {"kind": self.kind, "msg": self.msg, "where": self.where, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class Reordering:
    """``first`` should have reached the application before ``second``, but came after it.

    ``scope`` says which promise broke: ``"queue"`` (AMQP queue order, one consumer),
    ``"partition"`` (Kafka offset order within a group) or ``"key"`` (Kafka per-key
    producer order); ``where`` names the queue, ``topic/partition group`` or key.
    """

    scope: str
    where: str
    first: str
    second: str

    def to_dict(self) -> dict[str, str]:
        """The pair as a JSON-able dictionary."""
        return {
            "scope": self.scope,
            "where": self.where,
            "first": self.first,
            "second": self.second,
        }


@dataclass(frozen=True, slots=True)
class Report:
    """What the delivery checker found in one trace. ``ok`` when no promise was broken."""

    published: int
    consumed: int
    lost: tuple[str, ...] = ()
    unconfirmed_lost: tuple[str, ...] = ()
    duplicated: tuple[str, ...] = ()
    reordered: tuple[Reordering, ...] = ()
    unexpected: tuple[str, ...] = ()
    redelivered: tuple[str, ...] = ()
    dead_lettered: tuple[str, ...] = ()
    expired: tuple[str, ...] = ()
    returned: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    stored: tuple[str, ...] = ()
    unacked: tuple[str, ...] = ()
    drop_reasons: tuple[tuple[str, int], ...] = ()
    findings: tuple[Finding, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing was lost, duplicated, reordered or consumed unpublished.

        Unconfirmed losses (at-most-once), redeliveries, drops by configuration and
        messages still stored are reported but are not violations.
        """
        return not any(getattr(self, name) for name in VIOLATIONS)

    def totals(self) -> dict[str, int]:
        """How many messages (pairs, for ``reordered``) each anomaly holds."""
        counts = {"published": self.published, "consumed": self.consumed}
        counts.update({name: len(getattr(self, name)) for name in ANOMALIES})
        return counts

    def ids(self, anomaly: str) -> tuple[str, ...]:
        """The message ids of one anomaly (both messages of each pair for ``reordered``)."""
        if anomaly == "reordered":
            seen: dict[str, None] = {}
            for pair in self.reordered:
                seen.setdefault(pair.first)
                seen.setdefault(pair.second)
            return tuple(seen)
        if anomaly not in ANOMALIES:
            raise KeyError(f"anomaly: expected one of {', '.join(ANOMALIES)}, got {anomaly!r}")
        ids: tuple[str, ...] = getattr(self, anomaly)
        return ids

    def for_message(self, msg: str) -> tuple[Finding, ...]:
        """Every finding about one message."""
        return tuple(finding for finding in self.findings if finding.msg == msg)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dictionary with a fixed key order: same report, same JSON text."""
        data: dict[str, Any] = {"ok": self.ok, "totals": self.totals()}
        for name in ANOMALIES:
            if name == "reordered":
                data[name] = [pair.to_dict() for pair in self.reordered]
            else:
                data[name] = list(getattr(self, name))
        data["drop_reasons"] = dict(self.drop_reasons)
        data["findings"] = [finding.to_dict() for finding in self.findings]
        return data

    def summary_table(self, *, examples: int = 5) -> Table:
        """A rich table: one row per anomaly with its count and the first few message ids."""
        verdict = "[green]OK[/]" if self.ok else "[bold red]VIOLATIONS[/]"
        table = Table(
            title=f"delivery check: {verdict} "
            f"({self.published} published, {self.consumed} consumed)"
        )
        table.add_column("anomaly")
        table.add_column("count", justify="right")
        table.add_column("messages")
        for name, count, sample in self._rows(examples):
            style = "bold red" if count and name in VIOLATIONS else None
            table.add_row(name, str(count), Text(sample), style=style)
        return table

    def __str__(self) -> str:
        verdict = "OK" if self.ok else "VIOLATIONS"
        lines = [
            f"delivery check: {verdict} ({self.published} published, {self.consumed} consumed)"
        ]
        lines.extend(
            f"  {name:<17}{count:>6}  {sample}" for name, count, sample in self._rows(5) if count
        )
        if self.drop_reasons:
            reasons = ", ".join(f"{reason}={count}" for reason, count in self.drop_reasons)
            lines.append(f"  drop reasons: {reasons}")
        return "\n".join(lines)

    def _rows(self, examples: int) -> list[tuple[str, int, str]]:
        rows = []
        for name in ANOMALIES:
            if name == "reordered":
                items = [f"{pair.second}<{pair.first}" for pair in self.reordered]
            else:
                items = list(getattr(self, name))
            sample = " ".join(items[:examples]) + (" ..." if len(items) > examples else "")
            rows.append((name, len(items), sample))
        return rows
