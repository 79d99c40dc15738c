"""A Mermaid ``sequenceDiagram`` of a trace: who sent what to whom.

Participants, left to right: producers, exchanges and topics, queues and partitions,
consumers (a client that both publishes and consumes is drawn with the producers).
Arrows: publish (client to exchange/topic), route (exchange to queue), store (topic to
partition), deliver (queue/partition to consumer), ack and commit (consumer back),
confirms and returns (back to the producer), dead-lettering (queue to its DLX). Notes:
requeues, drops, unroutable messages, assignments, crashes, restarts and partitions.

Participants get generated ids (``P1``, ``P2``...) and quoted labels; every label is
escaped with Mermaid entity codes (``#59;`` for ``;``), so names with ``;``, ``#``, ``%``,
``:`` or quotes cannot break the syntax.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mqsim.sim import TraceRecord
from mqsim.viz.describe import describe, is_fault, preview

_UNSAFE = frozenset('#;%<>&"\\{}`|')
_RANK = {"producer": 0, "exchange": 1, "topic": 1, "queue": 2, "partition": 2, "consumer": 3}


def escape(text: str) -> str:
    """Text safe inside a Mermaid label: specials and control characters as ``#NN;`` codes."""
    return "".join(
        f"#{ord(ch)};" if ch in _UNSAFE or ord(ch) < 32 or ord(ch) == 127 else ch for ch in text
    ).strip()


@dataclass(slots=True)
class _Cast:
    """Participants in first-seen order, with a category that decides their column."""

    roles: dict[tuple[str, str], int] = field(default_factory=dict)
    ids: dict[tuple[str, str], str] = field(default_factory=dict)

    def see(self, role: str, name: str) -> tuple[str, str]:
        key = (role if role not in ("producer", "consumer") else "client", name)
        rank = _RANK[role]
        self.roles[key] = min(self.roles.get(key, rank), rank)
        return key

    def declare(self) -> list[str]:
        order = sorted(enumerate(self.roles.items()), key=lambda item: (item[1][1], item[0]))
        lines = []
        for number, (_, (key, _rank)) in enumerate(order, start=1):
            self.ids[key] = f"P{number}"
            lines.append(f"    participant P{number} as {escape(_label(key))}")
        return lines

    def span(self) -> str:
        ids = list(self.ids.values())
        return ids[0] if len(ids) == 1 else f"{ids[0]},{ids[-1]}"


def _label(key: tuple[str, str]) -> str:
    role, name = key
    if role == "client":
        return name
    if role == "exchange":
        return "(default exchange)" if name == "" else f"exchange {name}"
    return f"{role} {name}"


def sequence_diagram(records: Iterable[TraceRecord], *, max_messages: int = 20) -> str:
    """The diagram text of the first ``max_messages`` messages and the faults among them."""
    chosen, hidden = _choose(list(records), max_messages)
    systems = {r.msg: r.get("system") for r in chosen if r.kind == "msg.publish"}
    publishers = {r.msg: r for r in chosen if r.kind == "msg.publish"}
    cast = _Cast()
    steps = [step for r in chosen for step in _steps(r, cast, systems, publishers)]
    lines = ["sequenceDiagram", *cast.declare()]
    routed: set[tuple[str | None, str]] = set()
    for step in steps:
        lines.extend(step.render(cast, routed))
    if hidden and cast.ids:
        lines.append(f"    Note over {cast.span()}: {hidden} more messages not shown")
    return "\n".join(lines) + "\n"


def _choose(records: list[TraceRecord], limit: int) -> tuple[list[TraceRecord], int]:
    """Records of the first ``limit`` messages, and other records up to the last shown one."""
    shown: dict[str, None] = {}
    hidden: dict[str, None] = {}
    last = -1
    for index, record in enumerate(records):
        if record.msg is None or not record.kind.startswith("msg.") or record.msg in hidden:
            continue
        if record.msg in shown or len(shown) < limit:
            shown.setdefault(record.msg)
            last = index
        else:
            hidden.setdefault(record.msg)
    if not hidden:
        last = len(records) - 1
    chosen = [
        r
        for i, r in enumerate(records)
        if (r.msg in shown and r.kind.startswith("msg.")) or (r.msg not in hidden and i <= last)
    ]
    return chosen, len(hidden)


@dataclass(frozen=True, slots=True)
class _Step:
    """One arrow (``src`` to ``dst``) or one note (``over``, or across all if None)."""

    text: str
    src: tuple[str, str] | None = None
    dst: tuple[str, str] | None = None
    arrow: str = "->>"
    over: tuple[str, str] | None = None
    route: tuple[str | None, str] | None = None  # (msg, queue) drawn by this route arrow
    skip_if_routed: tuple[str | None, str] | None = None

    def render(self, cast: _Cast, routed: set[tuple[str | None, str]]) -> list[str]:
        if self.skip_if_routed is not None and self.skip_if_routed in routed:
            return []
        if self.route is not None:
            routed.add(self.route)
        text = escape(self.text)
        if self.src is not None and self.dst is not None:
            return [f"    {cast.ids[self.src]}{self.arrow}{cast.ids[self.dst]}: {text}"]
        if self.over is not None:
            return [f"    Note over {cast.ids[self.over]}: {text}"]
        return [f"    Note over {cast.span()}: {text}"] if cast.ids else []


def _steps(
    r: TraceRecord,
    cast: _Cast,
    systems: dict[str | None, object],
    publishers: dict[str | None, TraceRecord],
) -> list[_Step]:
    """The arrows and notes one record draws (registering its participants)."""
    msg = r.msg or ""
    kind = r.kind
    kafka = systems.get(r.msg) == "kafka" or r.get("offset") is not None
    where = r.get("where")
    place = "partition" if kafka else "queue"
    if kind == "msg.publish":
        dest = cast.see("topic" if kafka else "exchange", str(r.get("dest") or ""))
        body = f"{msg} key={preview(r.get('key'), 16)} {preview(r.get('body'), 16)}"
        return [_Step(body, cast.see("producer", r.actor), dest)]
    if kind == "msg.route":
        exchange = cast.see("exchange", str(r.get("dest") or ""))
        queues = r.get("queues") or []
        if not queues:
            return [_Step(f"{msg} unroutable", over=exchange)]
        return [
            _Step(f"{msg} route", exchange, cast.see("queue", str(q)), route=(r.msg, str(q)))
            for q in queues
        ]
    if kind == "msg.store":
        if kafka:
            topic = cast.see("topic", str(where).rsplit("/", 1)[0])
            return [_Step(f"{msg} {describe(r)}", topic, cast.see("partition", str(where)))]
        queue = cast.see("queue", str(where))
        return [_Step(f"{msg} stored", over=queue, skip_if_routed=(r.msg, str(where)))]
    if kind == "msg.deliver":
        again = " (redelivered)" if r.get("redelivered") else ""
        at = "" if r.get("offset") is None else f" @{r.get('offset')}"
        consumer = cast.see("consumer", str(r.get("consumer")))
        return [_Step(f"{msg} deliver{at}{again}", cast.see(place, str(where)), consumer)]
    if kind == "msg.consume":
        source = cast.see(place, str(where))
        return [_Step(f"{msg} received", source, cast.see("consumer", r.actor), arrow="-)")]
    if kind == "msg.ack":
        queue = cast.see("queue", str(where))
        if r.get("consumer") is None:
            return [_Step(f"{msg} acked", over=queue)]
        return [_Step(f"{msg} ack", cast.see("consumer", str(r.get("consumer"))), queue, "-->>")]
    if kind in ("msg.requeue", "msg.drop"):
        return _end_steps(r, msg, cast, place, publishers.get(r.msg), kafka)
    if kind in ("msg.confirm", "msg.return"):
        published = publishers.get(r.msg)
        if published is None:
            return []
        dest = cast.see("topic" if kafka else "exchange", str(published.get("dest") or ""))
        client = cast.see("producer", published.actor)
        verdict = describe(r)
        return [_Step(f"{msg} {verdict}", dest, client, "--x" if is_fault(r) else "-->>")]
    return _other_steps(r, cast)


def _end_steps(
    r: TraceRecord,
    msg: str,
    cast: _Cast,
    place: str,
    published: TraceRecord | None,
    kafka: bool,
) -> list[_Step]:
    where = r.get("where")
    if where is None:
        if published is None or published.actor == r.actor:
            return [_Step(f"{msg} {describe(r)}", over=cast.see("producer", r.actor))]
        dest = cast.see("topic" if kafka else "exchange", str(published.get("dest") or ""))
        return [_Step(f"{msg} {describe(r)}", over=dest)]
    spot = cast.see(place, str(where))
    if r.kind == "msg.drop" and r.get("to") is not None:
        target = cast.see("exchange", str(r.get("to")))
        return [_Step(f"{msg} {r.get('reason')}", spot, target, "-->>")]
    return [_Step(f"{msg} {describe(r)}", over=spot)]


def _other_steps(r: TraceRecord, cast: _Cast) -> list[_Step]:
    kind = r.kind
    if kind == "kafka.commit":
        where = f"{r.get('topic')}/{r.get('partition')}"
        consumer = cast.see("consumer", r.actor)
        text = f"commit @{r.get('offset')}" + ("" if r.get("ok", True) else " failed")
        return [_Step(text, consumer, cast.see("partition", where), "-->>")]
    if kind in ("kafka.assign", "kafka.revoke", "kafka.lost"):
        return [_Step(describe(r), over=cast.see("consumer", r.actor))]
    if kind.startswith("fault.") or (kind.startswith("net.") and kind != "net.hold"):
        return [_Step(f"{r.actor}: {describe(r)}" if kind.startswith("fault.") else describe(r))]
    if kind in ("kafka.rebalance", "kafka.leader"):
        return [_Step(describe(r))]
    return []
