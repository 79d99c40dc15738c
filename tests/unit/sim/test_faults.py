"""Fault plans are data; the world fires their actions at the right simulated times."""

import pytest

from mqsim import FaultPlan, InvalidArgument, World
from mqsim.sim import crash, partition, restart, slow


def test_plan_fires_handlers_at_their_times(world: World) -> None:
    """Crash and restart handlers run at the planned simulated instants."""
    log: list[tuple[str, float]] = []
    world.add_node(
        "broker",
        on_crash=lambda: log.append(("crash", world.now)),
        on_restart=lambda: log.append(("restart", world.now)),
    )
    world.schedule(FaultPlan((restart("5s", "broker"), crash("2s", "broker"))))
    world.run()
    assert log == [("crash", 2.0), ("restart", 5.0)]
    assert [(r.kind, r.time) for r in world.trace.select(prefix="fault.")] == [
        ("fault.crash", 2.0),
        ("fault.restart", 5.0),
    ]


def test_plan_from_data_with_partition_until(world: World) -> None:
    """A partition with 'until' heals itself at that time."""
    plan = FaultPlan.from_data(
        [{"at": "1s", "action": "partition", "a": "x", "b": ["y"], "until": "3s"}]
    )
    world.schedule(plan)
    world.run(until=2)
    assert world.net.is_cut("x", "y")
    world.run(until=4)
    assert not world.net.is_cut("x", "y")


def test_slow_and_loss_and_latency_are_undone_at_until(world: World) -> None:
    """slow/loss/latency changes last from 'at' to 'until'."""
    world.schedule(
        FaultPlan.from_data(
            [
                {"at": 1, "action": "slow", "node": "w", "factor": 4, "until": 2},
                {"at": 1, "action": "loss", "a": "w", "b": "q", "probability": 0.5, "until": 2},
                {"at": 1, "action": "latency", "a": "w", "b": "q", "latency": "9ms", "until": 2},
            ]
        )
    )
    world.run(until=1.5)
    assert world.speed("w") == 4.0
    assert world.net.link("w", "q").loss == 0.5
    assert world.net.link("w", "q").latency.a == pytest.approx(0.009)
    world.run(until=3)
    assert world.speed("w") == 1.0
    assert world.net.link("w", "q").loss == 0.0
    assert world.net.link("w", "q").latency.a == 0.0


def test_restart_of_a_running_node_crashes_it_first(world: World) -> None:
    """restart() on a node that is up behaves as crash then start."""
    log: list[str] = []
    world.add_node("n", on_crash=lambda: log.append("crash"), on_restart=lambda: log.append("up"))
    world.restart("n")
    assert log == ["crash", "up"]
    assert world.is_up("n")


def test_crash_of_unknown_node_names_it(world: World) -> None:
    """Faults on unknown nodes are refused with the node's name."""
    world.add_node("known")
    with pytest.raises(InvalidArgument, match=r"'ghost'.*known: known"):
        world.crash("ghost")


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"action": "crash", "node": "x"}, "faults[0].at"),
        ({"at": "1s", "action": "explode"}, "faults[0].action"),
        ({"at": "1s", "action": "crash"}, "faults[0].node"),
        ({"at": "soon", "action": "heal"}, "faults[0].at"),
        ({"at": "1s", "action": "partition", "a": "x"}, "faults[0].a/b"),
        ({"at": "1s", "action": "slow", "node": "x", "factor": 0}, "faults[0].factor"),
        (
            {"at": "1s", "action": "loss", "a": "x", "b": "y", "probability": 2},
            "faults[0].probability",
        ),
        ({"at": "2s", "action": "heal", "until": "1s"}, "faults[0].until"),
        ({"at": "1s", "action": "heal", "colour": "red"}, "faults[0].colour"),
    ],
)
def test_bad_plan_entries_name_the_field(item: dict[str, object], field: str) -> None:
    """Every mistake in a plan is one line that names the entry and field."""
    with pytest.raises(InvalidArgument) as caught:
        FaultPlan.from_data([item])
    assert str(caught.value).startswith(field)


def test_plan_orders_by_time_keeping_ties_in_order() -> None:
    """A plan sorts its faults by time; equal times keep the given order."""
    plan = FaultPlan((slow("2s", "a", 2), crash("1s", "b"), partition("1s", "a", "b")))
    assert [f.action for f in plan] == ["crash", "partition", "slow"]
    assert [f.describe() for f in plan] == ["crash b", "partition a | b", "slow a x2"]
