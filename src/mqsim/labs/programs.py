"""What every lab shares, whatever the broker: running its programs, killing one, and
reading the services' own records beside the checker's totals.

A service's work (charging a card, shipping an order) is not in the broker's trace, so
services write an ``app.processed`` record (:data:`PROCESSED`) when they finish a
message; the labs' measures read those.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from mqsim.sim import SimulationBug, TraceRecord, World

if TYPE_CHECKING:
    from mqsim.sim import Program

#: The kind of the record a service writes when it has finished processing a message.
PROCESSED = "app.processed"


def run(world: World, until: float) -> None:
    """Run the world's programs until simulated time ``until``; a program's error is raised.

    Programs still running at ``until`` (a ``start_consuming()`` or ``while True: poll()``
    loop) are stopped by :func:`mqsim.labs.run_lab` afterwards, as Ctrl+C would stop them.
    """
    world.programs.run(horizon=until)
    for program in world.programs.programs:
        if program.error is not None:
            raise SimulationBug(f"lab program {program.name!r} failed:\n{program.error_text}")


def kill(world: World, program: Program) -> None:
    """Kill ``program`` as ``kill -9`` would: its clients crash (no close, no commit, no
    ack) and the brokers notice as they would."""
    world.programs.kill_process(program)


def published(records: Iterable[TraceRecord]) -> list[TraceRecord]:
    """The ``msg.publish`` records, in order."""
    return [r for r in records if r.kind == "msg.publish"]


def with_totals(report: Any, counts: Mapping[str, int]) -> dict[str, int]:
    """The checker's totals plus a lab's own counts."""
    totals: dict[str, int] = dict(report.totals())
    totals.update(counts)
    return totals
