"""How a lab run looks in the terminal: the story, the checker's table, the lesson."""

from __future__ import annotations

from collections.abc import Sequence

from rich.columns import Columns
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from mqsim.labs.base import Lab, LabResult
from mqsim.viz import timeline

STORY_LIMIT = 40


def render_run(result: LabResult) -> Panel:
    """One run: what was set up, the events that matter, and the checker's verdict."""
    lab = result.lab
    setup = lab.fix if result.fixed else lab.mistake
    label = "the fix" if result.fixed else "the mistake"
    story = timeline(result.records, kinds=lab.story, limit=STORY_LIMIT)
    verdict = _verdict(result)
    body = Group(
        Text(setup, style="italic"),
        Text(""),
        story,
        Text(""),
        result.report.summary_table(),
        verdict,
    )
    colour = "green" if result.fixed else "red"
    return Panel(body, title=f"{lab.name}: {label} (seed {result.seed})", border_style=colour)


def _verdict(result: LabResult) -> Text:
    counts = ", ".join(f"{name}={count}" for name, count in result.anomalies.items())
    if result.shows_anomaly:
        return Text(f"anomalies: {counts}", style="bold red")
    return Text(f"no anomaly: {counts}", style="bold green")


def render_lab(lab: Lab, results: Sequence[LabResult]) -> RenderableType:
    """The whole lab: its summary, each run (side by side with --fix), then the lesson."""
    header = Text.assemble((lab.name, "bold"), " - ", lab.summary)
    runs: RenderableType = (
        Columns([render_run(r) for r in results], equal=True, expand=True)
        if len(results) > 1
        else render_run(results[0])
    )
    lesson = Panel(
        Group(
            Text("What to look at: ", style="bold") + Text(lab.look_at),
            Text(""),
            Text("Why: ", style="bold") + Text(lab.explanation),
            Text(""),
            Text("The fix: ", style="bold") + Text(lab.fix),
        ),
        title="the lesson",
    )
    return Group(header, runs, lesson)
