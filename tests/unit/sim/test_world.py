"""The world: seeded determinism, ids, nodes, statistics."""

from collections.abc import Generator
from typing import Any

import pytest

from mqsim import InvalidArgument, World


def workload(world: World) -> str:
    """Random latencies, random loss and a random process: everything the RNG drives."""
    world.net.configure("a", "b", latency=("uniform", "1ms", "9ms"), loss=0.2)

    def sender() -> Generator[Any, Any, None]:
        for i in range(30):
            yield world.timeout(world.rng.random() / 10)
            world.net.send("a", "b", world.trace.emit, "got", "b", f"m{i}")

    world.process(sender())
    world.run()
    return world.trace.dumps_jsonl()


def test_same_seed_gives_byte_identical_trace() -> None:
    """Two worlds with one seed and the same processes give the same JSONL, byte for byte."""
    assert workload(World(seed=42)) == workload(World(seed=42))


def test_different_seeds_differ_where_randomness_is_used() -> None:
    """Another seed changes what the RNG decides."""
    assert workload(World(seed=1)) != workload(World(seed=2))


def test_unseeded_worlds_pick_and_keep_a_fresh_seed() -> None:
    """seed=None draws a seed, kept so the run can be replayed."""
    first, second = World(seed=None), World(seed=None)
    assert first.seed != second.seed
    assert workload(World(seed=first.seed)) == workload(World(seed=first.seed))


def test_ids_count_per_prefix(world: World) -> None:
    """Ids come from per-prefix counters starting at 1."""
    assert [world.next_id("m"), world.next_id("m"), world.next_id("c")] == ["m1", "m2", "c1"]
    assert world.next_number("tag") == 1


def test_nodes_are_unique_and_listed_in_order(world: World) -> None:
    """Node names are unique; unique_name() suggests a free one."""
    world.add_node("client")
    world.add_node("broker")
    assert world.nodes == ("client", "broker")
    assert world.unique_name("client") == "client-2"
    with pytest.raises(InvalidArgument, match="already taken"):
        world.add_node("client")
    world.remove_node("client")
    assert world.unique_name("client") == "client"


def test_call_later_and_cancel(world: World) -> None:
    """Timers fire at their time unless cancelled."""
    log: list[float] = []
    world.call_later(2.0, lambda: log.append(world.now))
    timer = world.call_at(1.0, lambda: log.append(-1))
    timer.cancel()
    world.run()
    assert log == [2.0]


def test_run_until_the_past_is_refused(world: World) -> None:
    """Running to a time already passed is a clear error."""
    world.advance(5)
    with pytest.raises(InvalidArgument, match="in the past"):
        world.run(until=1)


def test_bad_seed_is_refused() -> None:
    """The seed must be an integer."""
    with pytest.raises(InvalidArgument, match="seed"):
        World(seed="x")  # type: ignore[arg-type]


def test_statistics_and_repr(world: World) -> None:
    """statistics() is a snapshot; repr is readable."""
    world.add_node("n")
    world.crash("n")
    stats = world.statistics()
    assert stats.nodes == (("n", False),)
    assert ("fault.crash", 1) in stats.trace_counts
    assert repr(world) == "<World seed=0 now=0 nodes=1>"
