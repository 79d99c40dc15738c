"""Hypothesis strategies for fault plans.

A plan drawn here is ordinary data (:class:`mqsim.FaultPlan`), so a failing example prints
as a list of faults that can be pasted into a scenario file or a test and replayed.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

from mqsim.sim import Fault, FaultPlan, InvalidArgument, parse_duration
from mqsim.sim.duration import Duration

FAULT_KINDS = ("crash", "restart", "partition", "slow", "loss", "latency")


def fault_plans(
    nodes: Sequence[str],
    *,
    horizon: Duration = "30s",
    max_faults: int = 4,
    kinds: Sequence[str] = FAULT_KINDS,
    heal_within: Duration = "10s",
) -> st.SearchStrategy[FaultPlan]:
    """Plans of up to ``max_faults`` faults on ``nodes`` between 0 and ``horizon``.

    Crashes are followed by a restart of the same node within ``heal_within``, and
    partitions, slowness, loss and latency changes end within it, so a run can recover
    and invariants about the healed state can be checked.
    """
    names = list(nodes)
    if not names:
        raise InvalidArgument("nodes: fault_plans needs at least one node name")
    unknown = sorted(set(kinds) - set(FAULT_KINDS))
    if unknown:
        raise InvalidArgument(f"kinds: unknown fault kind {unknown[0]!r}")
    end = parse_duration(horizon, field="horizon")
    heal = parse_duration(heal_within, field="heal_within")
    times = st.floats(min_value=0.0, max_value=end, allow_nan=False).map(lambda t: round(t, 3))
    spans = st.floats(min_value=0.001, max_value=max(heal, 0.001)).map(lambda d: round(d, 3))
    node = st.sampled_from(names)

    @st.composite
    def one(draw: st.DrawFn) -> list[Fault]:
        kind = draw(st.sampled_from(list(kinds)))
        at = draw(times)
        until = at + draw(spans)
        if kind in ("crash", "restart"):
            target = draw(node)
            return [Fault(at, "crash", target), Fault(until, "restart", target)]
        if kind == "slow":
            factor = draw(st.sampled_from([2.0, 5.0, 20.0]))
            return [Fault(at, "slow", draw(node), factor=factor, until=until)]
        a = draw(node)
        others = [n for n in names if n != a]
        if not others:
            return [Fault(at, "slow", a, factor=2.0, until=until)]
        b = draw(st.sampled_from(others))
        if kind == "partition":
            return [Fault(at, "partition", None, (a,), (b,), until=until)]
        if kind == "loss":
            p = draw(st.sampled_from([0.1, 0.5, 1.0]))
            return [Fault(at, "loss", None, (a,), (b,), probability=p, until=until)]
        latency = draw(st.sampled_from(["5ms", "100ms", "2s"]))
        return [Fault(at, "latency", None, (a,), (b,), latency=latency, until=until)]

    return st.lists(one(), max_size=max_faults).map(
        lambda groups: FaultPlan(tuple(f for group in groups for f in group))
    )


def consumer_fault_plans(
    system: str = "rabbitmq",
    *,
    consumers: int = 1,
    horizon: Duration = "1s",
    max_faults: int = 3,
    kinds: Sequence[str] | None = None,
    heal_within: Duration = "1s",
) -> st.SearchStrategy[FaultPlan]:
    """Fault plans for :func:`mqsim.testing.run_consumer`: on its broker and consumer
    nodes (see :func:`mqsim.testing.consumer_nodes`), healed within ``heal_within``.

    By default RabbitMQ plans have no ``loss``: an AMQP connection is one TCP stream,
    which does not lose frames while it lives (a cut holds them; the heartbeat ends it).
    """
    if kinds is None:
        kinds = [k for k in FAULT_KINDS if system == "kafka" or k != "loss"]
    from mqsim.testing.harness import consumer_nodes

    return fault_plans(
        consumer_nodes(system, consumers),
        horizon=horizon,
        max_faults=max_faults,
        kinds=kinds,
        heal_within=heal_within,
    )
