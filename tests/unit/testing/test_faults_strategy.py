"""fault_plans() draws valid, replayable plans that a world can schedule."""

import pytest
from hypothesis import given

from mqsim import FaultPlan, InvalidArgument, World
from mqsim.testing import fault_plans


@given(fault_plans(["a", "b", "c"], horizon="10s", max_faults=3, heal_within="2s"))
def test_drawn_plans_run_and_heal(plan: FaultPlan) -> None:
    """Every drawn plan schedules cleanly; after it, every node is up and every link healed."""
    assert len(plan) <= 6
    world = World()
    for name in ("a", "b", "c"):
        world.add_node(name)
    world.schedule(plan)
    world.run()
    assert all(world.is_up(name) for name in ("a", "b", "c"))
    assert not any(world.net.is_cut(x, y) for x in "abc" for y in "abc" if x != y)
    assert all(world.speed(name) == 1.0 for name in "abc")
    times = [f.at for f in plan]
    assert times == sorted(times)
    assert all(0 <= t <= 12 for t in times)


def test_fault_plans_need_nodes_and_known_kinds() -> None:
    """Bad strategy arguments fail early with a sentence naming the argument."""
    with pytest.raises(InvalidArgument, match="nodes"):
        fault_plans([])
    with pytest.raises(InvalidArgument, match="kinds"):
        fault_plans(["a"], kinds=["meteor"])


def test_pytest_fixture_gives_a_fresh_seeded_world(mqsim_world: World) -> None:
    """The installed `mqsim_world` fixture is a seeded world with nothing run yet."""
    assert mqsim_world.seed == 0
    assert mqsim_world.now == 0.0
