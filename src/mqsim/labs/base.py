"""What a lab is: a scenario with a mistake and its fix, plus the words that explain it.

A lab's scenario builds the failure in a fresh default world (RabbitMQ at
``localhost:5672``, Kafka at ``localhost:9092``) with ordinary client code, under a fault
plan, and :func:`run_lab` checks the trace with :mod:`mqsim.check`. ``fix=True`` runs the
corrected setup in a world with the same seed, so the two can be shown side by side.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mqsim.check import Report, check
from mqsim.clients.default import new_default_world, using
from mqsim.sim import InvalidArgument, TraceRecord, World

if TYPE_CHECKING:
    from collections.abc import Mapping

Scenario = Callable[[World, bool], None]
Measure = Callable[["Report", "tuple[TraceRecord, ...]"], "Mapping[str, int]"]

_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class Lab:
    """A failure lab.

    ``scenario(world, fix)`` runs the mistake (``fix=False``) or the corrected setup.
    ``anomalies`` names the checker totals (see :meth:`mqsim.check.Report.totals`) that
    the mistake produces and the fix removes; tests assert exactly that over several
    seeds. Where the checker's totals cannot say it (an idle consumer, a service that saw
    only half the messages, a rebalance pause), ``measure(report, records)`` computes the
    lab's own counts from the trace under the names in ``anomalies``. ``story`` lists the
    trace kinds worth showing in the timeline.
    """

    name: str
    summary: str
    system: str
    scenario: Scenario
    mistake: str
    fix: str
    explanation: str
    look_at: str
    anomalies: tuple[str, ...]
    story: tuple[str, ...] = (
        "fault.crash",
        "fault.restart",
        "net.partition",
        "net.heal",
        "msg.publish",
        "msg.consume",
        "msg.drop",
        "msg.requeue",
        "msg.return",
    )
    horizon: str = "60s"
    measure: Measure | None = field(default=None)

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise InvalidArgument(f"lab name: {self.name!r} must be kebab-case")
        if self.system not in ("rabbitmq", "kafka"):
            raise InvalidArgument(
                f"lab system: expected 'rabbitmq' or 'kafka', got {self.system!r}"
            )


@dataclass(frozen=True, slots=True)
class LabResult:
    """One run of a lab: its world, the trace, and the checker's verdict."""

    lab: Lab
    seed: int
    fixed: bool
    world: World
    records: tuple[TraceRecord, ...]
    report: Report

    @property
    def anomalies(self) -> Mapping[str, int]:
        """How often each of the lab's anomalies appeared in this run."""
        if self.lab.measure is not None:
            totals = dict(self.lab.measure(self.report, self.records))
        else:
            totals = self.report.totals()
        return {name: int(totals.get(name, 0)) for name in self.lab.anomalies}

    @property
    def shows_anomaly(self) -> bool:
        """True if any of the lab's anomalies appeared."""
        return any(self.anomalies.values())


def run_lab(lab: Lab, *, seed: int = 0, fix: bool = False) -> LabResult:
    """Run ``lab`` once in a fresh world seeded with ``seed``."""
    world = new_default_world(seed, until=lab.horizon)
    try:
        with using(world):
            lab.scenario(world, fix)
    finally:
        world.programs.shutdown()
    records = tuple(world.trace)
    return LabResult(lab, seed, fix, world, records, check(records))
