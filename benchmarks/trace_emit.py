"""How much a trace record costs at each level (records per wall-second).

Run: python benchmarks/trace_emit.py [N]
"""

from __future__ import annotations

import sys
import time

from mqsim import TraceLevel, World


def measure(level: TraceLevel, count: int) -> float:
    """Records emitted per wall-second at ``level``."""
    world = World(trace=level)
    emit = world.trace.emit
    started = time.perf_counter()
    for i in range(count):
        emit("msg.deliver", "broker", "m", where="q", tag=i, redelivered=False)
    return count / (time.perf_counter() - started)


def measure_guarded(count: int) -> float:
    """What a hot path pays with tracing off when it checks ``trace.full`` first."""
    world = World(trace=TraceLevel.OFF)
    trace = world.trace
    started = time.perf_counter()
    for i in range(count):
        if trace.full:
            trace.emit("msg.deliver", "broker", "m", where="q", tag=i, redelivered=False)
    return count / (time.perf_counter() - started)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    for level in (TraceLevel.FULL, TraceLevel.COUNTERS, TraceLevel.OFF):
        print(f"{level.name.lower():>8}: {measure(level, count):>12,.0f} records/s")
    print(f"{'guarded':>8}: {measure_guarded(count):>12,.0f} checks/s (hot path, tracing off)")


if __name__ == "__main__":
    main()
