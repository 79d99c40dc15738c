"""Fault plans: crashes, restarts, partitions, slowness, loss and latency changes as data.

A plan is a tuple of :class:`Fault` records, each an action at a simulated time. Plans
come from code, from a scenario file (:meth:`FaultPlan.from_data`) or from a hypothesis
strategy, and :meth:`mqsim.World.schedule` fires them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mqsim.sim.duration import Duration, parse_duration
from mqsim.sim.errors import InvalidArgument

ACTIONS = ("crash", "restart", "partition", "heal", "slow", "loss", "latency")


@dataclass(frozen=True, slots=True)
class Fault:
    """One fault action at simulated time ``at``.

    ``crash``/``restart`` take ``node``; ``partition`` takes sides ``a`` and ``b``;
    ``heal`` takes optional sides; ``slow`` takes ``node``, ``factor`` and ``until``;
    ``loss`` takes ``a``, ``b``, ``probability`` and ``until``; ``latency`` takes ``a``,
    ``b``, ``latency`` and ``until``. ``until`` (optional) undoes the change at that time.
    """

    at: float
    action: str
    node: str | None = None
    a: tuple[str, ...] = ()
    b: tuple[str, ...] = ()
    factor: float = 1.0
    probability: float = 0.0
    latency: Any = None
    until: float | None = None

    def describe(self) -> str:
        """A short human description, e.g. ``crash worker-1``."""
        if self.node is not None:
            extra = f" x{self.factor:g}" if self.action == "slow" else ""
            return f"{self.action} {self.node}{extra}"
        sides = f" {','.join(self.a)} | {','.join(self.b)}" if self.a or self.b else ""
        return f"{self.action}{sides}"


@dataclass(frozen=True, slots=True)
class FaultPlan:
    """Faults in time order (ties keep their given order)."""

    faults: tuple[Fault, ...] = ()

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.faults, key=lambda f: f.at))
        object.__setattr__(self, "faults", ordered)

    def __iter__(self) -> Any:
        return iter(self.faults)

    def __len__(self) -> int:
        return len(self.faults)

    @classmethod
    def from_data(cls, items: Iterable[Mapping[str, Any]]) -> FaultPlan:
        """Read a plan from plain data, e.g. a scenario file's list of mappings.

        Each mapping has ``at`` and ``action``; errors name the entry and the field.
        """
        return cls(tuple(fault_from_data(item, index) for index, item in enumerate(items)))


def fault_from_data(item: Mapping[str, Any], index: int = 0) -> Fault:
    """One :class:`Fault` from a mapping; a bad field raises :class:`InvalidArgument`."""
    where = f"faults[{index}]"
    if not isinstance(item, Mapping):
        raise InvalidArgument(f"{where}: expected a mapping, got {type(item).__name__}")
    known = {"at", "action", "node", "a", "b", "factor", "probability", "latency", "until"}
    unknown = sorted(set(item) - known)
    if unknown:
        raise InvalidArgument(f"{where}.{unknown[0]}: unknown field")
    action = item.get("action")
    if action not in ACTIONS:
        raise InvalidArgument(
            f"{where}.action: expected one of {', '.join(ACTIONS)}, got {action!r}"
        )
    if "at" not in item:
        raise InvalidArgument(f"{where}.at: missing")
    at = parse_duration(item["at"], field=f"{where}.at")
    until = item.get("until")
    until_s = None if until is None else parse_duration(until, field=f"{where}.until")
    if until_s is not None and until_s < at:
        raise InvalidArgument(f"{where}.until: must not be before 'at'")
    node = item.get("node")
    if action in ("crash", "restart", "slow") and (not isinstance(node, str) or not node):
        raise InvalidArgument(f"{where}.node: the {action} action needs a node name")
    a = _side(item.get("a"), f"{where}.a")
    b = _side(item.get("b"), f"{where}.b")
    if action in ("partition", "loss", "latency") and (not a or not b):
        raise InvalidArgument(f"{where}.a/b: the {action} action needs two sides 'a' and 'b'")
    factor = item.get("factor", 1.0)
    if action == "slow" and (
        isinstance(factor, bool) or not isinstance(factor, int | float) or factor <= 0
    ):
        raise InvalidArgument(f"{where}.factor: expected a number > 0, got {factor!r}")
    probability = item.get("probability", 0.0)
    if action == "loss" and (
        isinstance(probability, bool)
        or not isinstance(probability, int | float)
        or not 0 <= probability <= 1
    ):
        raise InvalidArgument(
            f"{where}.probability: expected a number from 0 to 1, got {probability!r}"
        )
    latency = item.get("latency")
    if action == "latency" and latency is None:
        raise InvalidArgument(f"{where}.latency: missing")
    return Fault(at, action, node, a, b, float(factor), float(probability), latency, until_s)


def _side(value: Any, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise InvalidArgument(f"{field}: expected a node name or a list of names, got {value!r}")


def crash(at: Duration, node: str) -> Fault:
    """Crash ``node`` at ``at``."""
    return Fault(parse_duration(at, field="at"), "crash", node)


def restart(at: Duration, node: str) -> Fault:
    """Restart ``node`` at ``at``."""
    return Fault(parse_duration(at, field="at"), "restart", node)


def partition(
    at: Duration, a: str | Sequence[str], b: str | Sequence[str], *, until: Duration | None = None
) -> Fault:
    """Cut ``a`` from ``b`` at ``at`` (and heal at ``until``)."""
    return Fault(
        parse_duration(at, field="at"),
        "partition",
        None,
        _side(a, "a"),
        _side(b, "b"),
        until=None if until is None else parse_duration(until, field="until"),
    )


def heal(at: Duration) -> Fault:
    """Heal every partition at ``at``."""
    return Fault(parse_duration(at, field="at"), "heal")


def slow(at: Duration, node: str, factor: float, *, until: Duration | None = None) -> Fault:
    """Make ``node`` ``factor`` times slower from ``at`` (until ``until``)."""
    return Fault(
        parse_duration(at, field="at"),
        "slow",
        node,
        factor=float(factor),
        until=None if until is None else parse_duration(until, field="until"),
    )
