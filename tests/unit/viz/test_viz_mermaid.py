"""The Mermaid sequence diagram: structure, escaping of tricky names, limits, determinism."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from mqsim import TraceRecord, World
from mqsim.viz import mermaid_escape, sequence_diagram

MixedTrace = Callable[..., World]
BusyTrace = Callable[..., list[TraceRecord]]


GOLDEN = Path(__file__).parent / "golden" / "sequence.mmd"

# The statements sequence_diagram writes, as Mermaid's sequence grammar reads them: labels
# and texts run to the end of the line and must not contain ';' (a statement separator)
# or '#' (a comment, unless part of an entity code, which Mermaid decodes first).
_TEXT = r"(?:[^\n;#%]|#\d+;)+"
_PARTICIPANT = re.compile(rf"^    participant (P\d+) as ({_TEXT})$")
_ARROW = re.compile(rf"^    (P\d+)(->>|-->>|-\)|--x)(P\d+): ({_TEXT})$")
_NOTE = re.compile(rf"^    Note over (P\d+)(?:,(P\d+))?: ({_TEXT})$")


def assert_valid(diagram: str) -> list[str]:
    """Every line is a statement of the grammar and names declared participants only."""
    lines = diagram.splitlines()
    assert lines[0] == "sequenceDiagram"
    assert diagram.endswith("\n")
    declared: list[str] = []
    labels = []
    for line in lines[1:]:
        if match := _PARTICIPANT.match(line):
            assert match[1] not in declared
            declared.append(match[1])
            labels.append(_decode(match[2]))
            continue
        match = _ARROW.match(line) or _NOTE.match(line)
        assert match is not None, f"not a sequenceDiagram statement: {line!r}"
        ids = [g for g in match.groups()[:-1] if g is not None and g.startswith("P")]
        assert all(i in declared for i in ids), line
    return labels


def _decode(text: str) -> str:
    return re.sub(r"#(\d+);", lambda m: chr(int(m[1])), text)


def test_diagram_matches_the_golden_file(mixed_trace: MixedTrace) -> None:
    """Participants in columns (producers, exchanges, queues, consumers) and every arrow."""
    diagram = sequence_diagram(mixed_trace().trace)
    assert_valid(diagram)
    assert diagram == GOLDEN.read_text(encoding="utf-8")


def test_participants_are_ordered_by_role(mixed_trace: MixedTrace) -> None:
    """Producers first, then exchanges and topics, queues and partitions, consumers last."""
    labels = assert_valid(sequence_diagram(mixed_trace().trace))
    assert labels == [
        "producer",
        "exchange orders",
        "(default exchange)",
        "topic t",
        "queue jobs",
        "queue audit",
        "partition t/0",
        "worker",
        "c1",
    ]


@pytest.mark.parametrize(
    "name",
    [
        "a;b",
        "#hash",
        "%%{init: {}}%%",
        'quo"ted',
        "line\nbreak",
        "x->>y: z",
        "end",
        "<br>&amp;",
        "café ☃",
        "back\\slash {}|`",
    ],
)
def test_tricky_names_are_escaped(name: str, mixed_trace: MixedTrace) -> None:
    """Queue, exchange and client names cannot break the diagram; they decode back intact."""
    world = mixed_trace(queue=name, exchange=name, body=name.encode())
    diagram = sequence_diagram(world.trace)
    labels = assert_valid(diagram)
    assert f"queue {name.strip()}" in labels
    assert f"exchange {name.strip()}" in labels


def test_escape_uses_entity_codes() -> None:
    """Specials become #NN; codes that Mermaid decodes; plain text is untouched."""
    assert mermaid_escape("a;b#c") == "a#59;b#35;c"
    assert mermaid_escape("queue jobs/1:x") == "queue jobs/1:x"
    assert mermaid_escape("\n") == "#10;"


def test_max_messages_limits_and_says_so(busy_trace: BusyTrace) -> None:
    """Only the first messages are drawn; a note counts the others."""
    diagram = sequence_diagram(busy_trace(40), max_messages=5)
    assert_valid(diagram)
    drawn = set(re.findall(r": (m\d+) ", diagram))
    assert drawn == {"m1", "m2", "m3", "m4", "m5"}
    assert diagram.splitlines()[-1].endswith(": 35 more messages not shown")


def test_faults_become_notes_across_the_diagram(mixed_trace: MixedTrace) -> None:
    """A crash and a partition are notes spanning every participant."""
    diagram = sequence_diagram(mixed_trace().trace)
    assert "    Note over P1,P9: localhost:5672: CRASH" in diagram
    assert "    Note over P1,P9: network partition worker #124; localhost:5672" in diagram


def test_same_records_same_text(mixed_trace: MixedTrace) -> None:
    """The diagram is a pure function of the records."""
    assert sequence_diagram(mixed_trace().trace) == sequence_diagram(list(mixed_trace().trace))


def test_empty_trace_is_a_valid_empty_diagram() -> None:
    """No records: just the header."""
    assert sequence_diagram(World().trace) == "sequenceDiagram\n"
