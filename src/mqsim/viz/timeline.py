"""The timeline: what happened, when (simulated seconds), by whom, to which message.

:func:`timeline` gives a rich table for the terminal (faults in bold red);
:func:`timeline_text` the same rows as plain, deterministic text for golden files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text

from mqsim.sim import TraceRecord
from mqsim.viz.describe import describe, is_fault


@dataclass(frozen=True, slots=True)
class Row:
    """One timeline line: time, actor, kind, message id (``-`` if none), description."""

    time: str
    actor: str
    kind: str
    msg: str
    what: str
    fault: bool


def timeline_rows(
    records: Iterable[TraceRecord],
    *,
    kinds: Iterable[str] | None = None,
    msg: str | None = None,
    limit: int | None = None,
) -> tuple[list[Row], int]:
    """The rows to show and how many matching records were left out by ``limit``.

    ``kinds`` holds record kinds (``"msg.drop"``) or prefixes ending in a dot
    (``"fault."``); ``msg`` keeps one message's records.
    """
    wanted = None if kinds is None else tuple(kinds)
    rows: list[Row] = []
    hidden = 0
    for record in records:
        if msg is not None and record.msg != msg:
            continue
        if wanted is not None and not _matches(record.kind, wanted):
            continue
        if limit is not None and len(rows) >= limit:
            hidden += 1
            continue
        rows.append(
            Row(
                time=f"{record.time:.6f}",
                actor=record.actor,
                kind=record.kind,
                msg=record.msg or "-",
                what=describe(record),
                fault=is_fault(record),
            )
        )
    return rows, hidden


def _matches(kind: str, wanted: tuple[str, ...]) -> bool:
    return any(kind == w or (w.endswith(".") and kind.startswith(w)) for w in wanted)


def timeline(
    records: Iterable[TraceRecord],
    *,
    kinds: Iterable[str] | None = None,
    msg: str | None = None,
    limit: int | None = None,
    title: str | None = None,
) -> Table:
    """A rich table of the trace (simulated time, actor, event, message, what); faults red.

    Cells are plain :class:`rich.text.Text`, so names like ``[bold]`` are not markup.
    """
    rows, hidden = timeline_rows(records, kinds=kinds, msg=msg, limit=limit)
    table = Table(title=None if title is None else Text(title))
    table.add_column("time (s)", justify="right")
    table.add_column("actor")
    table.add_column("event")
    table.add_column("msg")
    table.add_column("what")
    for row in rows:
        style = "bold red" if row.fault else None
        cells = (row.time, row.actor, row.kind, row.msg, row.what)
        table.add_row(*(Text(cell) for cell in cells), style=style)
    if hidden:
        table.add_row("", "", "", "", f"... {hidden} more records", style="dim")
    return table


def timeline_text(
    records: Iterable[TraceRecord],
    *,
    kinds: Iterable[str] | None = None,
    msg: str | None = None,
    limit: int | None = None,
) -> str:
    """The timeline as plain text, one record a line; faults marked with ``!``."""
    rows, hidden = timeline_rows(records, kinds=kinds, msg=msg, limit=limit)
    if not rows:
        return "(no records)\n"
    widths = [max(len(getattr(row, name)) for row in rows) for name in ("time", "actor", "kind")]
    widths.append(max(len(row.msg) for row in rows))
    lines = []
    for row in rows:
        mark = "!" if row.fault else " "
        cells = (row.time.rjust(widths[0]), row.actor.ljust(widths[1]), row.kind.ljust(widths[2]))
        lines.append(f"{mark} {'  '.join(cells)}  {row.msg.ljust(widths[3])}  {row.what}".rstrip())
    if hidden:
        lines.append(f"... {hidden} more records")
    return "\n".join(lines) + "\n"
