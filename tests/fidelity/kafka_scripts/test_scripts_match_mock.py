"""Unmodified confluent-kafka scripts print under ``mqsim run`` what they printed against
librdkafka's mock cluster.

Each folder in ``scenarios/`` holds ordinary confluent-kafka scripts (they read the bootstrap
servers from ``$BOOTSTRAP``, default ``localhost:9092``) and a ``scenario.json`` with the
steps to run them; ``expected/`` holds what each script printed on stdout and its exit code
when ``record.py`` ran the same steps against the mock cluster (real confluent-kafka 2.16.1,
librdkafka 2.16.0). Here the same steps run in mqsim's default world, where ``setup.py``
creates the topics with ``AdminClient.create_topics``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mqsim.clients.runner import run

SCENARIOS = Path(__file__).resolve().parent / "scenarios"

#: Scenarios where mqsim's Kafka model differs from the mock; the test stays as it should be.
MODEL_GAPS: dict[str, str] = {}


def _names() -> list[str]:
    return sorted(p.parent.name for p in SCENARIOS.glob("*/scenario.json"))


def _cases() -> list[object]:
    return [
        pytest.param(
            name,
            marks=pytest.mark.xfail(strict=True, reason=MODEL_GAPS[name]),
        )
        if name in MODEL_GAPS
        else name
        for name in _names()
    ]


def _expected(folder: Path) -> tuple[dict[str, str], list[dict[str, object]]]:
    outputs = {p.name: p.read_text() for p in sorted((folder / "expected").glob("*.out"))}
    status = json.loads((folder / "expected" / "status.json").read_text())
    return outputs, status


def test_every_scenario_is_recorded() -> None:
    names = _names()
    assert len(names) >= 10
    assert set(MODEL_GAPS) <= set(names)
    for name in names:
        outputs, status = _expected(SCENARIOS / name)
        assert outputs, name
        assert len(status) == len(outputs), name


@pytest.mark.parametrize("name", _cases())
def test_scripts_print_what_they_printed_against_the_mock(name: str) -> None:
    folder = SCENARIOS / name
    spec = json.loads((folder / "scenario.json").read_text())
    env = {k: v for k, v in os.environ.items() if k != "BOOTSTRAP"}
    result = run(spec["steps"], cwd=folder, env=env, faults=spec.get("faults", ()))
    outputs, status = _expected(folder)
    got_outputs: dict[str, str] = {}
    got_status: list[dict[str, object]] = []
    for step in result.steps:
        if step.label == "sleep" or step.text.strip().startswith("sleep"):
            continue
        script = step.label.split("#")[0]
        text = "".join(line.text + "\n" for line in step.output if line.stream == "stdout")
        got_outputs[f"{step.number}-{script}.out"] = text
        got_status.append({"step": step.text, "exit": step.exit_code})
    assert _text(got_outputs) == _text(outputs)
    assert got_status == status


def _text(outputs: dict[str, str]) -> str:
    return "".join(f"=== {name}\n{text}" for name, text in sorted(outputs.items()))
