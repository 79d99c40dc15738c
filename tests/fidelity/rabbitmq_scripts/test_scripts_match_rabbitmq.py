"""Typical, unmodified pika scripts print under ``mqsim run`` what they printed against RabbitMQ.

Each folder in ``scenarios/`` holds tutorial-style pika scripts and the ``mqsim run`` steps
that run them (``scenario.json``); ``expected/`` holds what every script printed when
``record.py`` ran the same steps as shell commands against a real RabbitMQ 3.10.8 with the
real pika 1.4.4. Here the steps run with :func:`mqsim.clients.runner.run` (no broker) and
each script's stdout, exit code and, for a script that failed, its traceback's last line
must match the recording exactly.

The recordings are reproducible: three recordings in a row gave identical files. The
scripts avoid what a real broker does not fix (wall-clock times, server-generated names,
delivery races between scripts); where a scenario depends on timing, the margins are wide
(seconds of work against milliseconds of latency).

The recorder starts the step after a background step (``"receive.py &"``) once that script
has printed its ready line ("Waiting for messages..."), as a person at a shell does.
``mqsim run`` goes on at once instead, so each scenario with background steps runs twice
here: as recorded, and with a head start (``sleep:0.5s`` after each background step; against
a real broker that changes nothing, as the recorder already waited at least that long for
the ready line). The second run separates the broker model's fidelity from the runner's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mqsim.clients.runner import StepResult, run

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
NAMES = sorted(p.parent.name for p in SCENARIOS.glob("*/scenario.json"))

#: Scenarios where mqsim does not yet print what RabbitMQ printed: name -> reason.
MODEL_GAPS: dict[str, str] = {}

#: The same, for the runs with a head start for background scripts.
HEAD_START_GAPS: dict[str, str] = {}

HEAD_START = "sleep:0.5s"


def _config(name: str) -> dict[str, Any]:
    config: dict[str, Any] = json.loads((SCENARIOS / name / "scenario.json").read_text("utf-8"))
    return config


def _with_head_start(steps: list[str]) -> tuple[list[str], list[int]]:
    """``steps`` with a :data:`HEAD_START` after each background step, and the positions
    (0-based) the original steps have in the new list."""
    out: list[str] = []
    positions: list[int] = []
    for step in steps:
        positions.append(len(out))
        out.append(step)
        if step.rstrip().endswith("&"):
            out.append(HEAD_START)
    return out, positions


def _run(name: str, *, head_start: bool = False) -> tuple[dict[int, StepResult], str]:
    """Run the scenario: its steps' results by their number in ``scenario.json``, and how
    the run ended."""
    config = _config(name)
    steps: list[str] = config["steps"]
    ran, positions = _with_head_start(steps) if head_start else (steps, list(range(len(steps))))
    result = run(ran, cwd=SCENARIOS / name, until=config.get("until", "5m"), env={})
    numbered = {n: result.steps[at] for n, at in enumerate(positions, 1)}
    return numbered, result.ended


def _expected_lines(name: str, number: int, script: str) -> list[str]:
    text = (SCENARIOS / name / "expected" / f"{number}-{script}.out").read_text("utf-8")
    return text.splitlines()


def _params(names: list[str], gaps: dict[str, str]) -> list[Any]:
    return [
        pytest.param(
            name,
            marks=[pytest.mark.xfail(strict=True, reason=gaps[name])] if name in gaps else [],
            id=name,
        )
        for name in names
    ]


BACKGROUND = [n for n in NAMES if any(s.rstrip().endswith("&") for s in _config(n)["steps"])]


def test_every_scenario_has_a_recording() -> None:
    assert len(NAMES) >= 10
    for name in NAMES:
        steps = json.loads((SCENARIOS / name / "expected" / "steps.json").read_text("utf-8"))
        assert [s["text"] for s in steps] == [
            t for t in _config(name)["steps"] if not t.startswith("sleep")
        ], name
    assert set(MODEL_GAPS) <= set(NAMES)
    assert set(HEAD_START_GAPS) <= set(BACKGROUND)


def test_head_start_inserts_a_sleep_after_each_background_step() -> None:
    steps = ["a.py &", "b.py", "c.py x&", "d.py"]
    ran, positions = _with_head_start(steps)
    assert ran == ["a.py &", HEAD_START, "b.py", "c.py x&", HEAD_START, "d.py"]
    assert [ran[at] for at in positions] == steps


@pytest.mark.parametrize("name", _params(NAMES, MODEL_GAPS))
def test_scripts_print_what_rabbitmq_printed(name: str) -> None:
    _compare(name, _run(name))


@pytest.mark.parametrize("name", _params(BACKGROUND, HEAD_START_GAPS))
def test_with_a_head_start_for_background_scripts(name: str) -> None:
    _compare(name, _run(name, head_start=True))


def _compare(name: str, ran: tuple[dict[int, StepResult], str]) -> None:
    by_number, ended = ran
    recorded = json.loads((SCENARIOS / name / "expected" / "steps.json").read_text("utf-8"))
    actual: dict[str, Any] = {}
    wanted: dict[str, Any] = {}
    for entry in recorded:
        step = by_number[entry["step"]]
        script = step.label.split("#")[0]
        key = f"{entry['step']}-{script}"
        stdout = [line.text for line in step.output if line.stream == "stdout"]
        stderr = [line.text for line in step.output if line.stream == "stderr"]
        actual[key] = {"stdout": stdout, "exit_code": step.exit_code}
        wanted[key] = {
            "stdout": _expected_lines(name, entry["step"], script),
            "exit_code": entry["exit_code"],
        }
        if entry["exit_code"] not in (0, 130):
            actual[key]["error"] = stderr[-1] if stderr else ""
            wanted[key]["error"] = entry["error"]
    assert actual == wanted
    # Scripts that consume forever are interrupted (Ctrl+C) once nothing can happen any more.
    assert ended == ("idle" if "interrupt" in _config(name) else "done")
