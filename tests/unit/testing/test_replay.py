"""Scenarios are data: they round-trip through JSON, replay step by step, and
``mqsim replay`` reports the invariant that breaks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mqsim.cli import main
from mqsim.sim import InvalidArgument
from mqsim.testing import InvariantViolation, KafkaDriver, Scenario, replay
from mqsim.testing.kafka_driver import KafkaDriver as Driver

OPS = [
    ["create_topic", {"name": "t0", "partitions": 2, "rf": 3}],
    ["add_producer", {"acks": -1, "idempotent": True}],
    ["add_consumer", {"group": "coop", "commits": True}],
    ["produce", {"producer": "p1", "topic": "t0", "key": "a", "count": 3}],
    ["advance", {"seconds": 5.0}],
]


def _scenario(ops: list[list[object]] = OPS) -> dict[str, object]:
    return {"machine": "kafka", "seed": 4, "options": {"trace": "counters"}, "ops": ops}


def test_scenario_round_trips_through_json() -> None:
    """A scenario read from data prints back as the same data."""
    scenario = Scenario.from_data(_scenario())
    again = Scenario.from_json(scenario.to_json())
    assert again == scenario
    assert again.to_data()["ops"] == OPS
    assert again.ops[0].describe() == "create_topic(name='t0', partitions=2, rf=3)"


def test_replay_runs_every_step_and_checks_every_invariant() -> None:
    """A healthy scenario replays to the end; the driver saw the records consumed."""
    steps: list[str] = []
    result = replay(_scenario(), on_step=lambda n, op: steps.append(f"{n}:{op.name}"))
    assert result.ok
    assert result.steps == len(OPS)
    assert steps == [f"{i}:{op[0]}" for i, op in enumerate(OPS, start=1)]
    assert isinstance(result.driver, Driver)
    assert sum(c.consumed for c in result.driver.consumers.values()) == 3
    stats = result.driver.statistics()
    assert (stats.machine, stats.seed, stats.steps, stats.now) == ("kafka", 4, 5, 5.0)


def test_same_scenario_same_run() -> None:
    """Replays are deterministic: the same scenario gives byte-identical traces."""
    first = replay(_scenario(), trace="full").driver
    second = replay(_scenario(), trace="full").driver
    assert isinstance(first, Driver)
    assert isinstance(second, Driver)
    assert first.world.trace.dumps_jsonl() == second.world.trace.dumps_jsonl()


def test_a_violation_names_the_invariant_step_seed_and_operations(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The failure message holds the seed and the ops as JSON, and MQSIM_FAILURE_DIR
    gets a file that replays to the same violation."""
    monkeypatch.setenv("MQSIM_FAILURE_DIR", str(tmp_path))
    driver = KafkaDriver(7)
    driver.apply("create_topic", name="t0", partitions=1, rf=3)
    driver.hw_seen[("t0", 0)] = 5
    with pytest.raises(InvariantViolation) as caught:
        driver.check()
    violation = caught.value
    assert violation.invariant == "offsets-dense"
    assert violation.step == 1
    text = str(violation)
    assert "seed 7" in text
    assert "1. create_topic(name='t0', partitions=1, rf=3)" in text
    assert Scenario.from_json(text.splitlines()[-1]) == violation.scenario
    saved = tmp_path / "kafka-offsets-dense.json"
    data = json.loads(saved.read_text())
    assert data["violation"]["invariant"] == "offsets-dense"
    assert data["seed"] == 7


def test_a_model_exception_is_a_violation(monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception from inside the model becomes the ``model-error`` violation."""

    def boom(*_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("mqsim.kafka.cluster.KafkaCluster.create_topic", boom)
    with pytest.raises(InvariantViolation, match="model-error") as caught:
        KafkaDriver().apply("create_topic", name="t0", partitions=1, rf=1)
    assert "RuntimeError: boom" in caught.value.detail


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"machine": "zookeeper", "ops": []}, "machine"),
        ({"machine": "kafka", "seed": "x", "ops": []}, "seed"),
        ({"machine": "kafka", "ops": {}}, "ops"),
        ({"machine": "kafka", "ops": [["fly", {}]]}, r"ops\[0\]"),
        ({"machine": "kafka", "ops": [["advance", 3]]}, r"ops\[0\]"),
    ],
)
def test_bad_scenarios_name_the_field(data: dict[str, object], field: str) -> None:
    """A broken scenario file fails early with a sentence naming the field."""
    with pytest.raises(InvalidArgument, match=field):
        Scenario.from_data(data)


def test_mqsim_replay_lists_the_steps_and_says_all_held(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``mqsim replay`` lists each step and exits 0 when every invariant held."""
    path = tmp_path / "bad.json"
    ops = [*OPS, ["advance", {"seconds": 1.0}]]
    path.write_text(json.dumps(_scenario(ops)))
    assert main(["replay", str(path)]) == 0
    out = capsys.readouterr().out
    assert "6. advance(seconds=1.0)" in out
    assert "all invariants held after 6 steps" in out


def test_mqsim_replay_exit_code_and_trace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A violation exits 1 with its invariant; ``--trace`` writes the run's trace."""
    monkeypatch.setattr(
        "mqsim.testing.kafka_driver.KafkaDriver.inv_key_partition",
        lambda self: self.fail("key-partition", "planted"),
    )
    path = tmp_path / "s.json"
    path.write_text(json.dumps(_scenario()))
    trace = tmp_path / "t.jsonl"
    assert main(["replay", "-q", str(path), "--trace", str(trace)]) == 1
    out = capsys.readouterr().out
    assert "invariant 'key-partition' broke at step 0: planted" in out
    assert trace.read_text().startswith("{")


def test_mqsim_replay_bad_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing or malformed file is a one-line error with exit code 2."""
    assert main(["replay", str(tmp_path / "nope.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
    path = tmp_path / "x.json"
    path.write_text("{not json")
    assert main(["replay", str(path)]) == 2
    assert "not valid JSON" in capsys.readouterr().err
