"""What every lab, RabbitMQ or Kafka, must do: its mistake shows its anomalies and the fix
removes them, one seed gives one trace, its story matches the checked-in golden file, and
`mqsim lab run NAME --fix` renders it. Each broker's own file checks what its labs teach."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mqsim.cli import main
from mqsim.labs import all_labs, get_lab, run_lab
from mqsim.viz import timeline_text

NAMES = [lab.name for lab in all_labs()]
SEEDS = (0, 1, 2)
GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("name", NAMES)
def test_the_mistake_shows_the_anomaly_and_the_fix_removes_it(name: str) -> None:
    """Over several seeds: some anomaly of the lab appears without the fix, none with it."""
    lab = get_lab(name)
    for seed in SEEDS:
        mistake, fixed = run_lab(lab, seed=seed), run_lab(lab, seed=seed, fix=True)
        assert mistake.shows_anomaly, (seed, dict(mistake.anomalies))
        assert not fixed.shows_anomaly, (seed, dict(fixed.anomalies))


@pytest.mark.parametrize("name", NAMES)
def test_every_named_anomaly_appears_without_the_fix(name: str) -> None:
    """Each anomaly a lab names is one its mistake produces (not a count that stays 0)."""
    mistake = run_lab(get_lab(name), seed=1)
    assert all(mistake.anomalies.values()), dict(mistake.anomalies)


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_trace(name: str) -> None:
    """A lab is deterministic: one seed, one trace, with and without the fix."""
    lab = get_lab(name)
    for fix in (False, True):
        first, again = run_lab(lab, seed=7, fix=fix), run_lab(lab, seed=7, fix=fix)
        assert first.world.trace.dumps_jsonl() == again.world.trace.dumps_jsonl()


@pytest.mark.parametrize("name", NAMES)
def test_the_story_matches_the_golden_file(name: str) -> None:
    """The lab's story (seed 1, mistake then fix) and anomaly counts, as checked-in text in
    ``golden/<system>/``. ``MQSIM_UPDATE_GOLDEN=1`` rewrites the files after a deliberate
    change."""
    lab = get_lab(name)
    parts = []
    for result in (run_lab(lab, seed=1), run_lab(lab, seed=1, fix=True)):
        label = "fix" if result.fixed else "mistake"
        parts.append(f"== {label}: {dict(result.anomalies)}")
        parts.append(timeline_text(result.records, kinds=lab.story, limit=60))
    text = "\n".join(parts) + "\n"
    golden = GOLDEN / lab.system / f"{name}.txt"
    if os.environ.get("MQSIM_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", NAMES)
def test_lab_run_with_fix_renders(
    name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`mqsim lab run NAME --fix` shows both runs, the verdicts and the lesson."""
    monkeypatch.setenv("COLUMNS", "240")
    assert main(["lab", "run", name, "--fix", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    lab = get_lab(name)
    for needle in (name, "the mistake", "the fix", "anomalies:", "no anomaly", "the lesson"):
        assert needle in out
    assert lab.explanation.split()[0] in out


def test_every_lab_is_tested_here() -> None:
    """The parametrization covers both brokers' labs (so none is silently left out)."""
    assert {get_lab(name).system for name in NAMES} == {"rabbitmq", "kafka"}
    assert len(NAMES) == len(set(NAMES)) >= 23
