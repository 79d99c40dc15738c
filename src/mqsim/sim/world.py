"""The World: one simulated universe with its clock, RNG, trace, network and faults.

All mutable simulation state hangs off a World; there are no module globals. Models
register the nodes they run on (a broker, a client) and the handlers that crash or
restart them; the kernel itself knows nothing about brokers.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from typing import Any

import simpy

from mqsim.sim.duration import Duration, parse_duration
from mqsim.sim.errors import InvalidArgument
from mqsim.sim.faults import Fault, FaultPlan
from mqsim.sim.net import LatencySpec, Network, OnCut
from mqsim.sim.programs import Interrupted, ProgramDriver
from mqsim.sim.trace import Trace, TraceLevel

Handler = Callable[[], None]


@dataclass(frozen=True, slots=True)
class WorldStatistics:
    """A snapshot of a world: time, seed, nodes and how many trace records of each kind."""

    now: float
    seed: int
    nodes: tuple[tuple[str, bool], ...]
    trace_counts: tuple[tuple[str, int], ...]


class Timer:
    """A scheduled call that can be cancelled before it fires."""

    __slots__ = ("_args", "_fn", "cancelled")

    def __init__(self, fn: Callable[..., None], args: tuple[Any, ...]) -> None:
        self._fn = fn
        self._args = args
        self.cancelled = False

    def cancel(self) -> None:
        """Do not call the function after all."""
        self.cancelled = True

    def _fire(self, _event: Any) -> None:
        if not self.cancelled:
            self._fn(*self._args)


class World:
    """A simulated world.

    ``seed`` drives every random choice (``None`` picks a fresh seed, kept in
    :attr:`seed` so the run can be replayed). ``trace`` is the trace level, ``latency``,
    ``loss`` and ``on_cut`` the defaults of every network link, and ``until`` the horizon:
    a blocking client call that would wait past it raises :class:`Interrupted`, as Ctrl+C
    would.
    """

    def __init__(
        self,
        seed: int | None = 0,
        *,
        trace: TraceLevel | str | int = TraceLevel.FULL,
        latency: LatencySpec = 0.0,
        loss: float = 0.0,
        on_cut: OnCut = "drop",
        until: Duration | None = None,
    ) -> None:
        if seed is None:
            seed = random.SystemRandom().randrange(2**32)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise InvalidArgument(f"seed: expected an integer, got {seed!r}")
        self.seed = seed
        self.env = simpy.Environment()
        self.rng = random.Random(seed)
        self.trace = Trace(lambda: float(self.env.now), trace)
        self.net = Network(self, latency=latency, loss=loss, on_cut=on_cut)
        self.horizon = None if until is None else parse_duration(until, field="until")
        self.programs = ProgramDriver(self)
        self._counters: dict[str, itertools.count[int]] = {}
        self._nodes: dict[str, Any] = {}
        self._down: set[str] = set()
        self._crash_handlers: dict[str, list[Handler]] = {}
        self._restart_handlers: dict[str, list[Handler]] = {}
        self._speed: dict[str, float] = {}

    def __repr__(self) -> str:
        return f"<World seed={self.seed} now={self.now:g} nodes={len(self._nodes)}>"

    # -- time ---------------------------------------------------------------------------

    @property
    def now(self) -> float:
        """The current simulated time in seconds."""
        return float(self.env.now)

    def run(self, until: Duration | None = None) -> None:
        """Run the simulation until simulated time ``until`` (or until nothing is left)."""
        if until is None:
            self.env.run()
            return
        target = parse_duration(until, field="until")
        if target < self.now:
            raise InvalidArgument(f"until: {target}s is in the past (now is {self.now}s)")
        self.env.run(until=target)

    def advance(self, duration: Duration) -> None:
        """Let ``duration`` of simulated time pass."""
        self.env.run(until=self.now + parse_duration(duration, field="duration"))

    def timeout(self, delay: Duration, value: Any = None) -> simpy.Event:
        """A SimPy event that fires ``delay`` from now."""
        return self.env.timeout(parse_duration(delay, field="delay"), value)

    def event(self) -> simpy.Event:
        """A fresh SimPy event to trigger by hand."""
        return self.env.event()

    def process(self, generator: Generator[Any, Any, Any]) -> simpy.Process:
        """Start a SimPy process."""
        return self.env.process(generator)

    def call_later(self, delay: float, fn: Callable[..., None], *args: Any) -> Timer:
        """Call ``fn(*args)`` after ``delay`` simulated seconds (a number, for hot paths)."""
        timer = Timer(fn, args)
        self.env.timeout(delay).callbacks.append(timer._fire)
        return timer

    def call_at(self, time: float, fn: Callable[..., None], *args: Any) -> Timer:
        """Call ``fn(*args)`` at simulated time ``time`` (now, if that has passed)."""
        return self.call_later(max(0.0, time - self.now), fn, *args)

    def block(
        self, event: simpy.Event | None = None, timeout: float | None = None, *, idle: bool = False
    ) -> bool:
        """Block the calling client code until ``event`` fires or ``timeout`` passes.

        This is how a blocking client call (``poll(1.0)``, ``start_consuming()``)
        advances simulated time. Returns True if the event fired, False on timeout.
        Raises :class:`Interrupted` at the horizon or when nothing can happen any more.
        ``idle=True`` marks a wait for incoming work (``start_consuming``, ``poll``) as
        opposed to the reply to the caller's own request (see :attr:`Program.settled`).
        """
        return self.programs.block(event, timeout, idle=idle)

    def sleep(self, seconds: float) -> None:
        """Block the calling client code for ``seconds`` of simulated time."""
        self.programs.block(None, seconds)

    # -- ids and randomness ---------------------------------------------------------------

    def next_id(self, prefix: str) -> str:
        """The next id with this prefix: ``prefix1``, ``prefix2``, ... (one counter each)."""
        counter = self._counters.get(prefix)
        if counter is None:
            counter = self._counters[prefix] = itertools.count(1)
        return f"{prefix}{next(counter)}"

    def next_number(self, name: str) -> int:
        """The next number of the named counter, from 1."""
        counter = self._counters.get(name)
        if counter is None:
            counter = self._counters[name] = itertools.count(1)
        return next(counter)

    # -- nodes and faults ---------------------------------------------------------------

    def add_node(
        self,
        name: str,
        obj: Any = None,
        *,
        on_crash: Handler | None = None,
        on_restart: Handler | None = None,
    ) -> None:
        """Register a node (a broker, a client) under a unique name, with its fault handlers."""
        if not isinstance(name, str) or not name:
            raise InvalidArgument(f"node name: expected a non-empty string, got {name!r}")
        if name in self._nodes:
            raise InvalidArgument(f"node name: {name!r} is already taken in this world")
        self._nodes[name] = obj
        self.programs.note_node(name)
        if on_crash is not None:
            self.on_crash(name, on_crash)
        if on_restart is not None:
            self.on_restart(name, on_restart)
        self.trace.emit("node.add", name, None)

    def remove_node(self, name: str) -> None:
        """Forget a node (a client that has finished) so its name can be used again."""
        self._nodes.pop(name, None)
        self._down.discard(name)
        self._crash_handlers.pop(name, None)
        self._restart_handlers.pop(name, None)

    def has_node(self, name: str) -> bool:
        """True if a node of this name is registered."""
        return name in self._nodes

    def node(self, name: str) -> Any:
        """The object registered under ``name``."""
        try:
            return self._nodes[name]
        except KeyError:
            raise InvalidArgument(f"node: no node named {name!r} in this world") from None

    @property
    def nodes(self) -> tuple[str, ...]:
        """Names of the registered nodes, in registration order."""
        return tuple(self._nodes)

    def unique_name(self, base: str) -> str:
        """``base`` if no node has it yet, else ``base-2``, ``base-3``, ..."""
        if base not in self._nodes:
            return base
        for number in itertools.count(2):
            candidate = f"{base}-{number}"
            if candidate not in self._nodes:
                return candidate
        raise AssertionError("unreachable")

    def on_crash(self, name: str, handler: Handler) -> None:
        """Call ``handler`` when node ``name`` crashes."""
        self._crash_handlers.setdefault(name, []).append(handler)

    def on_restart(self, name: str, handler: Handler) -> None:
        """Call ``handler`` when node ``name`` restarts."""
        self._restart_handlers.setdefault(name, []).append(handler)

    def is_up(self, name: str) -> bool:
        """False while ``name`` is crashed."""
        return name not in self._down

    def crash(self, name: str) -> None:
        """Crash node ``name`` now: it stops, as a killed process or a powered-off host."""
        self._stop(name, "fault.crash")

    def exit_node(self, name: str) -> None:
        """The process behind client node ``name`` exited without closing its connections.

        The operating system closes its sockets, so brokers see what they see when the
        process is killed: the crash handlers run. Traced as ``node.exit``, not a fault.
        """
        self._stop(name, "node.exit")

    def _stop(self, name: str, kind: str) -> None:
        self._require(name)
        if name in self._down:
            return
        self._down.add(name)
        self.trace.emit(kind, name, None)
        for handler in list(self._crash_handlers.get(name, ())):
            handler()

    def restart(self, name: str) -> None:
        """Start a crashed node again (a node that is up is crashed first)."""
        self._require(name)
        if name not in self._down:
            self.crash(name)
        self._down.discard(name)
        self.trace.emit("fault.restart", name, None)
        for handler in list(self._restart_handlers.get(name, ())):
            handler()

    def partition(self, side_a: str | Iterable[str], side_b: str | Iterable[str]) -> None:
        """Cut the network between two groups of nodes."""
        self.net.partition(side_a, side_b)

    def heal(
        self, side_a: str | Iterable[str] | None = None, side_b: str | Iterable[str] | None = None
    ) -> None:
        """Heal partitions (all, or those between two groups)."""
        self.net.heal(side_a, side_b)

    def speed(self, name: str) -> float:
        """How many times slower than normal node ``name`` works now (1.0 = normal)."""
        return self._speed.get(name, 1.0)

    def slow(self, name: str, factor: float) -> None:
        """Make node ``name`` ``factor`` times slower (1.0 restores it)."""
        if isinstance(factor, bool) or not isinstance(factor, int | float) or factor <= 0:
            raise InvalidArgument(f"factor: expected a number > 0, got {factor!r}")
        if factor == 1.0:
            self._speed.pop(name, None)
        else:
            self._speed[name] = float(factor)
        self.trace.emit("fault.slow", name, None, factor=float(factor))

    def schedule(self, plan: FaultPlan | Iterable[Fault]) -> None:
        """Fire each fault of ``plan`` at its simulated time."""
        faults = plan.faults if isinstance(plan, FaultPlan) else FaultPlan(tuple(plan)).faults
        for fault in faults:
            self.call_at(fault.at, self._apply, fault)
            if fault.until is not None:
                self.call_at(fault.until, self._undo, fault)

    def _apply(self, fault: Fault) -> None:
        action = fault.action
        if action == "crash":
            self.crash(_need(fault.node))
        elif action == "restart":
            self.restart(_need(fault.node))
        elif action == "partition":
            self.partition(fault.a, fault.b)
        elif action == "heal":
            self.heal(fault.a or None, fault.b or None)
        elif action == "slow":
            self.slow(_need(fault.node), fault.factor)
        elif action == "loss":
            self._links_of(fault, loss=fault.probability)
        elif action == "latency":
            self._links_of(fault, latency=fault.latency)

    def _undo(self, fault: Fault) -> None:
        action = fault.action
        if action == "partition":
            self.heal(fault.a, fault.b)
        elif action == "slow":
            self.slow(_need(fault.node), 1.0)
        elif action == "loss":
            self._links_of(fault, loss=self.net.default_loss)
        elif action == "latency":
            self._links_of(fault, latency=self.net.default_latency)

    def _links_of(self, fault: Fault, **settings: Any) -> None:
        for a in fault.a:
            for b in fault.b:
                self.net.configure(a, b, **settings)
        self.trace.emit(f"fault.{fault.action}", "network", None, a=list(fault.a), b=list(fault.b))

    def _require(self, name: str) -> None:
        if name not in self._nodes:
            known = ", ".join(self._nodes) or "none"
            raise InvalidArgument(f"node: no node named {name!r} in this world (known: {known})")

    # -- inspection ---------------------------------------------------------------------

    def list_queues(self, name: str) -> dict[str, dict[str, int]]:
        """What ``rabbitmqctl list_queues`` shows for the broker node ``name``."""
        broker = self.node(name)
        lister = getattr(broker, "list_queues", None)
        if lister is None:
            raise InvalidArgument(f"node: {name!r} is not a RabbitMQ broker")
        result: dict[str, dict[str, int]] = lister()
        return result

    def statistics(self) -> WorldStatistics:
        """Time, seed, nodes (with up/down) and trace counts."""
        return WorldStatistics(
            now=self.now,
            seed=self.seed,
            nodes=tuple((name, name not in self._down) for name in self._nodes),
            trace_counts=self.trace.statistics().counts,
        )


def _need(node: str | None) -> str:
    assert node is not None
    return node


__all__ = ["Interrupted", "Timer", "World", "WorldStatistics"]
