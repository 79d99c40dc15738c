"""One self-contained HTML page about a run: check table, diagram, plots and timeline.

The page fetches nothing: CSS is inline, plots are ``data:`` URIs, and the sequence
diagram is its Mermaid text in a ``<pre class="mermaid">`` block (rendered by any viewer
that runs Mermaid on such blocks; otherwise readable as text). Pass ``mermaid_js`` (a
URL) to add a script that renders it in a browser. Every piece of user text (titles,
actors, message bodies, queue names) is HTML-escaped: a body ``<script>`` stays text.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Iterable, Mapping
from os import PathLike
from pathlib import Path
from typing import Any, Protocol

from mqsim.sim import TraceRecord
from mqsim.viz.mermaid import sequence_diagram
from mqsim.viz.timeline import timeline_rows

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.5em; }
table { border-collapse: collapse; font-size: 0.9em; }
td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; }
tr.fault td, tr.bad td { color: #b00; font-weight: bold; }
.ok { color: #070; font-weight: bold; } .bad { color: #b00; font-weight: bold; }
pre { background: #f6f6f6; padding: 1em; overflow-x: auto; }
img { max-width: 100%; }
"""


class CheckReport(Protocol):
    """What the page needs of a checker report (``mqsim.check.Report`` fits)."""

    def to_dict(self) -> dict[str, Any]:
        """``ok``, ``totals`` (name to count), lists of ids per anomaly, ``findings``."""
        ...


def html_report(
    records: Iterable[TraceRecord],
    *,
    title: str = "mqsim report",
    report: CheckReport | None = None,
    plots: Iterable[bytes | str | PathLike[str]] = (),
    max_messages: int = 30,
    timeline_limit: int | None = 2000,
    mermaid_js: str | None = None,
) -> str:
    """The page as a string. ``plots`` are PNG bytes or paths to PNG files."""
    records = list(records)
    span = f"t={records[0].time:g}s to t={records[-1].time:g}s" if records else "empty trace"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">{len(records)} trace records, {_e(span)}</p>',
    ]
    if report is not None:
        parts.extend(_check_section(report.to_dict()))
    diagram = sequence_diagram(records, max_messages=max_messages)
    parts += [
        '<h2 id="sequence">Sequence diagram</h2>',
        f'<pre class="mermaid">\n{_e(diagram)}</pre>',
    ]
    images = [_data_uri(plot) for plot in plots]
    if images:
        parts.append('<h2 id="plots">Plots</h2>')
        parts.extend(f'<p><img alt="plot {n}" src="{uri}"></p>' for n, uri in enumerate(images, 1))
    parts.extend(_timeline_section(records, timeline_limit))
    if mermaid_js is not None:
        source = json.dumps(mermaid_js).replace("</", "<\\/")
        parts.append(
            f'<script type="module">import mermaid from {source};'
            " mermaid.initialize({startOnLoad: true});</script>"
        )
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _check_section(data: Mapping[str, Any]) -> list[str]:
    ok = bool(data.get("ok"))
    verdict = '<span class="ok">OK</span>' if ok else '<span class="bad">VIOLATIONS</span>'
    rows = ['<h2 id="check">Delivery check</h2>', f"<p>{verdict}</p>", "<table>"]
    rows.append("<tr><th>anomaly</th><th>count</th><th>messages</th></tr>")
    for name, count in dict(data.get("totals", {})).items():
        listed = data.get(name)
        items = [_item(entry) for entry in listed] if isinstance(listed, list) else []
        sample = " ".join(items[:10]) + (" ..." if len(items) > 10 else "")
        css = (
            ' class="bad"'
            if count and name in ("lost", "duplicated", "reordered", "unexpected")
            else ""
        )
        cells = f'<td>{_e(name)}</td><td class="num">{_e(count)}</td><td>{_e(sample)}</td>'
        rows.append(f"<tr{css}>{cells}</tr>")
    rows.append("</table>")
    findings = list(data.get("findings", []))
    if findings:
        rows += ["<h3>Findings</h3>", "<table>"]
        rows.append("<tr><th>anomaly</th><th>msg</th><th>where</th><th>detail</th></tr>")
        for finding in findings[:500]:
            cells = "".join(
                f"<td>{_e(finding.get(key, ''))}</td>" for key in ("kind", "msg", "where", "detail")
            )
            rows.append(f"<tr>{cells}</tr>")
        rows.append("</table>")
        if len(findings) > 500:
            rows.append(f"<p>... {len(findings) - 500} more findings</p>")
    return rows


def _item(entry: object) -> str:
    """A message id, or a reordered pair as ``first after second``."""
    if isinstance(entry, Mapping) and "first" in entry and "second" in entry:
        return f"{entry['first']} after {entry['second']}"
    return str(entry)


def _timeline_section(records: list[TraceRecord], limit: int | None) -> list[str]:
    lines, hidden = timeline_rows(records, limit=limit)
    rows = ['<h2 id="timeline">Timeline</h2>', "<table>"]
    rows.append("<tr><th>time (s)</th><th>actor</th><th>event</th><th>msg</th><th>what</th></tr>")
    for row in lines:
        css = ' class="fault"' if row.fault else ""
        cells = "".join(
            f"<td>{_e(value)}</td>" for value in (row.time, row.actor, row.kind, row.msg, row.what)
        )
        rows.append(f"<tr{css}>{cells}</tr>")
    rows.append("</table>")
    if hidden:
        rows.append(f"<p>... {hidden} more records</p>")
    return rows


def _data_uri(plot: bytes | str | PathLike[str]) -> str:
    data = plot if isinstance(plot, bytes) else Path(plot).read_bytes()
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")
