"""Run a lab over many seeds in parallel processes and count how often each anomaly appears."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from mqsim.labs.base import run_lab
from mqsim.labs.registry import get_lab
from mqsim.sim import InvalidArgument

_RANGE = re.compile(r"^\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*$")


def parse_seeds(text: str, *, field: str = "--seeds") -> tuple[int, ...]:
    """Read ``"1..500"`` (inclusive), ``"3"`` or ``"1,5,9"`` as a tuple of seeds."""
    match = _RANGE.match(text)
    if match:
        low, high = int(match.group(1)), int(match.group(2))
        if high < low:
            raise InvalidArgument(f"{field}: range {text!r} ends before it starts")
        return tuple(range(low, high + 1))
    try:
        seeds = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise InvalidArgument(f"{field}: expected 'A..B' or 'A,B,C', got {text!r}") from None
    return seeds


@dataclass(frozen=True, slots=True)
class SweepResult:
    """Per anomaly: in how many seeds it appeared, and how often in total."""

    lab: str
    fixed: bool
    seeds: int
    seeds_with: tuple[tuple[str, int], ...]
    occurrences: tuple[tuple[str, int], ...]
    first_seed_with: tuple[tuple[str, int | None], ...]


def _one(name: str, seed: int, fix: bool) -> tuple[int, dict[str, int]]:
    result = run_lab(get_lab(name), seed=seed, fix=fix)
    return seed, dict(result.anomalies)


def sweep(
    name: str,
    seeds: Sequence[int],
    *,
    fix: bool = False,
    workers: int = 1,
    on_done: Callable[[int], None] | None = None,
) -> SweepResult:
    """Run lab ``name`` once per seed (in ``workers`` processes) and tally its anomalies."""
    lab = get_lab(name)
    if workers < 1:
        raise InvalidArgument(f"--workers: expected at least 1, got {workers}")
    outcomes: dict[int, dict[str, int]] = {}
    if workers == 1:
        for seed in seeds:
            outcomes[seed] = _one(name, seed, fix)[1]
            if on_done:
                on_done(seed)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_one, name, seed, fix) for seed in seeds]
            for future in futures:
                seed, counts = future.result()
                outcomes[seed] = counts
                if on_done:
                    on_done(seed)
    seeds_with = []
    occurrences = []
    first = []
    for anomaly in lab.anomalies:
        hits = [s for s in seeds if outcomes[s].get(anomaly, 0)]
        seeds_with.append((anomaly, len(hits)))
        occurrences.append((anomaly, sum(outcomes[s].get(anomaly, 0) for s in seeds)))
        first.append((anomaly, hits[0] if hits else None))
    return SweepResult(name, fix, len(seeds), tuple(seeds_with), tuple(occurrences), tuple(first))
