"""The lab framework: running a lab, seeds, sweeps, rendering, the CLI."""

from __future__ import annotations

import pytest
from rich.console import Console

from mqsim import InvalidArgument, World
from mqsim.labs import Lab, run_lab
from mqsim.labs.render import render_lab
from mqsim.labs.sweep import parse_seeds


def _toy(world: World, fix: bool) -> None:
    """Publish three confirmed messages; without the fix, a seeded coin may lose m1."""
    for i in range(3):
        world.trace.emit(
            "msg.publish", "app", f"m{i}", system="amqp", dest="", key="q", confirm=True
        )
        world.trace.emit("msg.store", "broker", f"m{i}", where="q")
        world.trace.emit("msg.confirm", "app", f"m{i}", ok=True, error=None)
    world.advance(1)
    for i in range(3):
        if i == 1 and not fix and world.rng.random() < 0.5:
            world.trace.emit("msg.drop", "broker", f"m{i}", where="q", reason="crash")
            continue
        world.trace.emit(
            "msg.deliver", "broker", f"m{i}", where="q", consumer="c", redelivered=False
        )
        world.trace.emit("msg.consume", "c", f"m{i}", where="q", redelivered=False)
        world.trace.emit("msg.ack", "broker", f"m{i}", where="q", consumer="c")


TOY = Lab(
    name="toy-loss",
    summary="a toy lab that sometimes loses m2",
    system="rabbitmq",
    scenario=_toy,
    mistake="no safety",
    fix="safety on",
    explanation="a coin decides",
    look_at="m2",
    anomalies=("lost",),
)


def test_run_lab_checks_the_trace_of_a_fresh_seeded_world() -> None:
    """Some seed loses m2 without the fix; with the fix no seed does; same seed, same result."""
    lossy = [s for s in range(10) if run_lab(TOY, seed=s).anomalies["lost"]]
    assert lossy
    assert all(run_lab(TOY, seed=s).report.ids("lost") == ("m1",) for s in lossy)
    assert not any(run_lab(TOY, seed=s, fix=True).shows_anomaly for s in range(10))
    first, again = run_lab(TOY, seed=lossy[0]), run_lab(TOY, seed=lossy[0])
    assert first.world.trace.dumps_jsonl() == again.world.trace.dumps_jsonl()


def test_render_shows_both_runs_and_the_lesson() -> None:
    """The rendering names the lab, both runs and the lesson."""
    seed = next(s for s in range(10) if run_lab(TOY, seed=s).shows_anomaly)
    console = Console(width=200, record=True)
    console.print(render_lab(TOY, [run_lab(TOY, seed=seed), run_lab(TOY, seed=seed, fix=True)]))
    text = console.export_text()
    for needle in (
        "toy-loss",
        "the mistake",
        "the fix",
        "anomalies: lost=1",
        "no anomaly",
        "a coin decides",
    ):
        assert needle in text


@pytest.mark.parametrize(
    ("text", "seeds"),
    [("1..4", (1, 2, 3, 4)), ("7", (7,)), ("3,1,2", (3, 1, 2)), ("5..5", (5,))],
)
def test_parse_seeds(text: str, seeds: tuple[int, ...]) -> None:
    """Seeds are a range A..B (inclusive) or a comma list."""
    assert parse_seeds(text) == seeds


@pytest.mark.parametrize("text", ["5..1", "a..b", "1,,2", "x"])
def test_bad_seeds_name_the_option(text: str) -> None:
    """A malformed --seeds value is one line naming the option."""
    with pytest.raises(InvalidArgument, match="--seeds"):
        parse_seeds(text)


def test_lab_names_must_be_kebab_case() -> None:
    """Lab names are short kebab-case words."""
    with pytest.raises(InvalidArgument, match="kebab-case"):
        Lab("Bad Name", "", "rabbitmq", _toy, "", "", "", "", ())
