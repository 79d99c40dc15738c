"""Links: latency (fixed or drawn from the world's RNG), loss, partitions, FIFO order."""

import pytest

from mqsim import InvalidArgument, World
from mqsim.sim import Latency


def arrivals(world: World, src: str, dst: str, count: int) -> list[tuple[int, float]]:
    got: list[tuple[int, float]] = []
    for i in range(count):
        world.net.send(src, dst, lambda i=i: got.append((i, world.now)))
    world.run()
    return got


def test_fixed_latency_delays_delivery(world: World) -> None:
    """A message arrives exactly one link latency after it was sent."""
    world.net.configure("a", "b", latency="20ms")
    world.advance("1s")
    assert arrivals(world, "a", "b", 1) == [(0, pytest.approx(1.02))]


def test_random_latency_keeps_fifo_order_per_link() -> None:
    """Random latencies never reorder messages on one directed link, as TCP does not."""
    world = World(seed=3)
    world.net.configure("a", "b", latency=("uniform", "1ms", "50ms"))
    got = arrivals(world, "a", "b", 50)
    assert [i for i, _ in got] == list(range(50))
    times = [t for _, t in got]
    assert times == sorted(times)
    assert len(set(times)) > 1


def test_loss_drops_a_share_of_messages_and_traces_each_drop() -> None:
    """With loss p, about p of the messages are dropped, each recorded as net.drop."""
    world = World(seed=11)
    world.net.configure("a", "b", loss=0.3)
    got = arrivals(world, "a", "b", 1000)
    drops = world.trace.select("net.drop")
    assert len(got) + len(drops) == 1000
    assert 230 < len(drops) < 370
    assert {r.get("reason") for r in drops} == {"loss"}


def test_partition_drops_until_heal(world: World) -> None:
    """A cut link drops messages (reason 'partition'); after heal they flow again."""
    world.partition("a", ["b", "c"])
    assert world.net.is_cut("b", "a")
    assert not world.net.reachable("a", "c")
    assert arrivals(world, "a", "b", 2) == []
    world.heal()
    assert arrivals(world, "a", "b", 1) == [(0, 0.0)]
    assert [r.get("reason") for r in world.trace.select("net.drop")] == ["partition"] * 2
    assert [r.kind for r in world.trace.select(prefix="net.")][-2:] == ["net.heal", "net.heal"]


def test_partition_with_delay_holds_messages_until_heal(world: World) -> None:
    """On a link set to 'delay', messages sent across a partition arrive after the heal."""
    world.net.configure("a", "b", on_cut="delay", latency="1ms")
    world.partition("a", "b")
    got: list[float] = []
    world.net.send("a", "b", lambda: got.append(world.now))
    world.advance("5s")
    assert got == []
    world.heal("a", "b")
    world.run()
    assert got == [pytest.approx(5.001)]


def test_heal_between_named_sides_leaves_other_cuts(world: World) -> None:
    """heal(a, b) heals only the links between those sides."""
    world.partition("a", ["b", "c"])
    world.heal("a", "b")
    assert not world.net.is_cut("a", "b")
    assert world.net.is_cut("a", "c")


def test_crashed_node_gets_nothing(world: World) -> None:
    """Messages to or from a crashed node are dropped with reason 'node down'."""
    world.add_node("b")
    world.crash("b")
    assert arrivals(world, "a", "b", 1) == []
    assert world.trace.select("net.drop")[0].get("reason") == "node down"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (("uniform", "5ms", "1ms"), "low <= high"),
        (("gauss", 1), "expected"),
        ((), "empty"),
        ("soon", "cannot read"),
    ],
)
def test_bad_latency_specs_name_the_problem(spec: object, message: str) -> None:
    """A malformed latency spec is one clear error."""
    with pytest.raises(InvalidArgument, match=message):
        Latency.parse(spec)  # type: ignore[arg-type]


def test_bad_loss_is_refused(world: World) -> None:
    """Loss must be a probability."""
    with pytest.raises(InvalidArgument, match="loss"):
        world.net.configure("a", "b", loss=1.5)


def test_exponential_latency_is_seeded() -> None:
    """The same seed draws the same latencies; another seed draws others."""

    def times(seed: int) -> list[float]:
        world = World(seed=seed)
        world.net.configure("a", "b", latency=("exponential", "10ms"))
        return [t for _, t in arrivals(world, "a", "b", 5)]

    assert times(1) == times(1)
    assert times(1) != times(2)
