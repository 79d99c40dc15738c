"""Operations as data, invariants checked after each one, and replay.

A *driver* owns a fresh world with a broker model in it and exposes the operations a
stateful test may perform (``create_topic``, ``publish``, ``crash_broker``, ``advance``...)
and the invariants that must hold after each of them. Every operation is recorded as
data (a name and JSON arguments), so a failing run is a :class:`Scenario`: the machine,
the world's seed and the operation list. ``mqsim replay FILE.json`` (or :func:`replay`)
runs a scenario again, step by step, and names the invariant that broke.

The hypothesis machines (:mod:`mqsim.testing.machines`) are thin: each rule calls one
driver operation, each invariant one driver check. This module does not need hypothesis.
"""

from __future__ import annotations

import json
import os
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, NoReturn

from mqsim.sim import InvalidArgument

#: JSON-able operation arguments.
Args = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Op:
    """One recorded operation: ``name`` and its JSON-able ``args``."""

    name: str
    args: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """``produce(producer='p1', topic='t0', ...)``."""
        inner = ", ".join(f"{k}={v!r}" for k, v in self.args.items())
        return f"{self.name}({inner})"

    def to_data(self) -> list[Any]:
        """``[name, {args}]``."""
        return [self.name, dict(self.args)]


@dataclass(frozen=True, slots=True)
class Scenario:
    """A replayable run: which machine, the world's seed, driver options and the ops."""

    machine: str
    seed: int
    ops: tuple[Op, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)

    def to_data(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "machine": self.machine,
            "seed": self.seed,
            "options": dict(self.options),
            "ops": [op.to_data() for op in self.ops],
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """The scenario as JSON text (what ``mqsim replay`` reads)."""
        return json.dumps(self.to_data(), indent=indent, sort_keys=False)

    @classmethod
    def from_data(cls, data: Any) -> Scenario:
        """Read a scenario from plain data; a bad field raises :class:`InvalidArgument`."""
        if not isinstance(data, Mapping):
            raise InvalidArgument("scenario: expected a JSON object with machine, seed and ops")
        machine = data.get("machine")
        load_drivers()
        if machine not in DRIVERS:
            known = ", ".join(sorted(DRIVERS))
            raise InvalidArgument(f"machine: expected one of {known}, got {machine!r}")
        seed = data.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise InvalidArgument(f"seed: expected an integer, got {seed!r}")
        options = data.get("options") or {}
        if not isinstance(options, Mapping):
            raise InvalidArgument("options: expected a JSON object")
        raw_ops = data.get("ops")
        if not isinstance(raw_ops, list):
            raise InvalidArgument("ops: expected a list of [name, {args}] pairs")
        ops = []
        known_ops = DRIVERS[machine].operations()
        for index, item in enumerate(raw_ops):
            if (
                not isinstance(item, list | tuple)
                or len(item) not in (1, 2)
                or not isinstance(item[0], str)
            ):
                raise InvalidArgument(f"ops[{index}]: expected [name, {{args}}]")
            name = item[0]
            if name not in known_ops:
                raise InvalidArgument(
                    f"ops[{index}]: unknown {machine} operation {name!r} "
                    f"(known: {', '.join(sorted(known_ops))})"
                )
            args = item[1] if len(item) == 2 else {}
            if not isinstance(args, Mapping):
                raise InvalidArgument(f"ops[{index}]: arguments must be a JSON object")
            ops.append(Op(name, dict(args)))
        return cls(machine, seed, tuple(ops), dict(options))

    @classmethod
    def from_json(cls, text: str) -> Scenario:
        """Parse JSON text (see :meth:`to_json`)."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise InvalidArgument(
                f"scenario: not valid JSON ({error.msg} at line {error.lineno})"
            ) from None
        return cls.from_data(data)


class InvariantViolation(AssertionError):
    """An invariant of a broker model broke: which one, after which step, and how to replay.

    It is an :class:`AssertionError`, so hypothesis treats it as a failure and shrinks it;
    the message carries the scenario as JSON for ``mqsim replay``.
    """

    def __init__(self, invariant: str, detail: str, step: int, scenario: Scenario) -> None:
        self.invariant = invariant
        self.detail = detail
        self.step = step
        self.scenario = scenario
        self.path: Path | None = None
        super().__init__(self._text())

    def _text(self) -> str:
        ops = self.scenario.ops
        where = "before any step"
        if 0 < self.step <= len(ops):
            where = f"after step {self.step} {ops[self.step - 1].describe()}"
        lines = [
            f"invariant {self.invariant!r} broke {where}: {self.detail}",
            f"machine {self.scenario.machine}, seed {self.scenario.seed}, {len(ops)} operations:",
        ]
        lines.extend(f"  {i}. {op.describe()}" for i, op in enumerate(ops, start=1))
        lines.append("replay: save the JSON line below to a file and run `mqsim replay FILE`")
        lines.append(self.scenario.to_json())
        return "\n".join(lines)

    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Write the scenario to ``directory/<machine>-<invariant>.json``; the path."""
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.scenario.machine}-{self.invariant}.json"
        data = self.scenario.to_data()
        data["violation"] = {"invariant": self.invariant, "step": self.step, "detail": self.detail}
        path.write_text(json.dumps(data, indent=1) + "\n")
        self.path = path
        return path


@dataclass(frozen=True, slots=True)
class DriverStatistics:
    """What a driver did: machine, seed, operations run, simulated time."""

    machine: str
    seed: int
    steps: int
    now: float


#: Environment variable naming a folder where failing scenarios are written.
FAILURE_DIR_ENV = "MQSIM_FAILURE_DIR"


class Driver:
    """Base of the drivers: records operations, runs them, checks invariants.

    Subclasses define operations as methods ``op_<name>(**args)`` and invariants as
    methods ``inv_<name>()`` listed in :attr:`INVARIANTS` (names use dashes:
    ``"offsets-dense"`` is ``inv_offsets_dense``). An invariant calls :meth:`fail`.
    """

    machine: ClassVar[str] = ""
    INVARIANTS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, seed: int = 0, **options: Any) -> None:
        self.seed = seed
        self.options: dict[str, Any] = dict(options)
        self.ops: list[Op] = []
        self.results: list[Any] = []

    def __repr__(self) -> str:
        return f"<{type(self).__name__} seed={self.seed} steps={len(self.ops)}>"

    def statistics(self) -> DriverStatistics:
        """Machine, seed, steps and simulated time so far."""
        world = getattr(self, "world", None)
        now = float(world.now) if world is not None else 0.0
        return DriverStatistics(self.machine, self.seed, len(self.ops), now)

    @classmethod
    def operations(cls) -> frozenset[str]:
        """Names of the operations this driver knows."""
        return frozenset(name[3:] for name in dir(cls) if name.startswith("op_"))

    def scenario(self) -> Scenario:
        """What ran so far, as a replayable scenario."""
        return Scenario(self.machine, self.seed, tuple(self.ops), dict(self.options))

    def apply(self, name: str, /, **args: Any) -> Any:
        """Record and run operation ``name``; a model exception is a violation."""
        method: Callable[..., Any] | None = getattr(self, f"op_{name}", None)
        if method is None:
            raise InvalidArgument(f"operation: {self.machine} has no operation {name!r}")
        self.ops.append(Op(name, dict(args)))
        try:
            result = method(**args)
        except InvariantViolation:
            raise
        except Exception as error:
            where = traceback.extract_tb(error.__traceback__)[-1]
            self.fail(
                "model-error",
                f"{type(error).__name__}: {error} (at {Path(where.filename).name}:{where.lineno})",
            )
        self.results.append(result)
        return result

    def check(self, names: Sequence[str] | None = None) -> None:
        """Check the invariants ``names`` (all by default) in order."""
        for name in self.INVARIANTS if names is None else names:
            getattr(self, "inv_" + name.replace("-", "_"))()

    def fail(self, invariant: str, detail: str) -> NoReturn:
        """Raise the violation of ``invariant`` (and save it if ``MQSIM_FAILURE_DIR`` is set)."""
        violation = InvariantViolation(invariant, detail, len(self.ops), self.scenario())
        folder = os.environ.get(FAILURE_DIR_ENV)
        if folder:
            violation.save(folder)
        raise violation


@dataclass(frozen=True, slots=True)
class ReplayResult:
    """What a replay found: the steps run and the violation (None: every invariant held)."""

    scenario: Scenario
    steps: int
    violation: InvariantViolation | None
    driver: Driver

    @property
    def ok(self) -> bool:
        """True if no invariant broke."""
        return self.violation is None


def replay(
    scenario: Scenario | Mapping[str, Any] | str,
    *,
    on_step: Callable[[int, Op], None] | None = None,
    trace: str | None = None,
) -> ReplayResult:
    """Run ``scenario`` (a :class:`Scenario`, its data or its JSON) on a fresh driver,
    checking every invariant after each step; stops at the first violation.

    ``trace`` overrides the driver's trace level (``"full"`` to inspect the run).
    """
    if isinstance(scenario, str):
        scenario = Scenario.from_json(scenario)
    elif not isinstance(scenario, Scenario):
        scenario = Scenario.from_data(scenario)
    options = dict(scenario.options)
    if trace is not None:
        options["trace"] = trace
    load_drivers()
    driver = DRIVERS[scenario.machine](scenario.seed, **options)
    steps = 0
    try:
        driver.check()
        for op in scenario.ops:
            steps += 1
            if on_step is not None:
                on_step(steps, op)
            driver.apply(op.name, **op.args)
            driver.check()
    except InvariantViolation as violation:
        return ReplayResult(scenario, steps, violation, driver)
    return ReplayResult(scenario, steps, None, driver)


#: Driver classes by machine name (filled by the driver modules on import).
DRIVERS: dict[str, type[Driver]] = {}


def register(cls: type[Driver]) -> type[Driver]:
    """Class decorator: make a driver known to :func:`replay` under its ``machine``."""
    DRIVERS[cls.machine] = cls
    return cls


def load_drivers() -> None:
    """Import the built-in drivers (they register themselves)."""
    from mqsim.testing import amqp_driver, kafka_driver

    del amqp_driver, kafka_driver


__all__ = [
    "DRIVERS",
    "FAILURE_DIR_ENV",
    "Driver",
    "DriverStatistics",
    "InvariantViolation",
    "Op",
    "ReplayResult",
    "Scenario",
    "load_drivers",
    "register",
    "replay",
]
