"""The timeline: plain text for golden files and a rich table for terminals."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from mqsim import World
from mqsim.viz import describe, timeline, timeline_text

MixedTrace = Callable[..., World]


GOLDEN = Path(__file__).parent / "golden" / "timeline.txt"


def _kind(line: str) -> str:
    """The event column of a timeline_text line (after the fault mark)."""
    return line[2:].split()[2]


def test_timeline_text_matches_the_golden_file(mixed_trace: MixedTrace) -> None:
    """The whole plain timeline of a mixed story, byte for byte."""
    assert timeline_text(mixed_trace().trace) == GOLDEN.read_text(encoding="utf-8")


def test_timeline_text_is_deterministic(mixed_trace: MixedTrace) -> None:
    """Two runs of the same story give the same text."""
    assert timeline_text(mixed_trace().trace) == timeline_text(list(mixed_trace().trace))


def test_faults_are_marked(mixed_trace: MixedTrace) -> None:
    """Crashes, partitions and crash drops start with '!'; ordinary records do not."""
    lines = timeline_text(mixed_trace().trace).splitlines()
    marked = [_kind(line) for line in lines if line.startswith("!")]
    assert marked == ["fault.crash", "msg.drop", "net.partition", "fault.restart"]


def test_kinds_filter_accepts_prefixes_and_limit_counts_the_rest(mixed_trace: MixedTrace) -> None:
    """kinds takes exact kinds or 'prefix.'; limit keeps the first rows and says how many more."""
    text = timeline_text(mixed_trace().trace, kinds=["fault.", "msg.drop"], limit=2)
    lines = text.splitlines()
    assert [_kind(line) for line in lines[:2]] == ["msg.drop", "fault.crash"]
    assert lines[2] == "... 2 more records"


def test_msg_filter_keeps_one_message(mixed_trace: MixedTrace) -> None:
    """msg= shows one message's life."""
    text = timeline_text(mixed_trace().trace, msg="m3")
    assert [_kind(line) for line in text.splitlines()] == [
        "msg.publish",
        "msg.store",
        "msg.confirm",
        "msg.deliver",
        "msg.consume",
    ]


def test_empty_timeline() -> None:
    """No records is said, not an empty string."""
    assert timeline_text([]) == "(no records)\n"


def test_rich_table_shows_names_literally() -> None:
    """Actor names that look like rich markup are printed as they are."""
    world = World()
    world.trace.emit(
        "msg.publish",
        "[bold]evil[/bold]",
        "m1",
        system="amqp",
        dest="[x]",
        key=None,
        body=b"",
        confirm=False,
    )
    world.trace.emit("fault.crash", "broker")
    console = Console(file=io.StringIO(), width=160, color_system=None)
    console.print(timeline(world.trace, title="[red]t"))
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert "[bold]evil[/bold]" in out
    assert "exchange [x]" in out
    assert "[red]t" in out
    assert "CRASH" in out


def test_rich_table_limit_row(mixed_trace: MixedTrace) -> None:
    """A limited rich timeline ends with a row counting what it left out."""
    console = Console(file=io.StringIO(), width=160, color_system=None)
    console.print(timeline(mixed_trace().trace, limit=3))
    assert "... 21 more records" in console.file.getvalue()  # type: ignore[attr-defined]


def test_unknown_kinds_show_their_fields_sorted() -> None:
    """A model-specific record is described by its fields in name order."""
    world = World()
    world.trace.emit("amqp.channel.open", "client", None, number=1, bytes=b"\x01", name=None)
    assert describe(world.trace[0]) == "bytes=b'\\x01' name=- number=1"
