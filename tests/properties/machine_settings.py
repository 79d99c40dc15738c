"""Hypothesis settings for the stateful machines, derived from the loaded profile.

The profiles live in ``tests/conftest.py``: ``ci`` (``CI=true``), ``dev`` (default) and
``deep`` (``HYPOTHESIS_PROFILE=deep python -m pytest tests/properties``). A machine run
takes the profile's ``max_examples``; in CI it is derandomized, so a red run is the same
run on every machine and a replay of its printed scenario reproduces it.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") == "true" else "dev")
#: Steps per example (hypothesis' default; a profile may only lower it). A CI run of each
#: machine (60 examples) takes about 2 s.
STEPS = 50
#: Examples the broken-variant tests give the machine's search. Their point is that the
#: search finds the bug, so they get a fixed budget that does with every hypothesis
#: version we have tried (60 examples sufficed on 6.155 but not on 6.170).
SEARCH_EXAMPLES = 400


def machine_settings(**changes: object) -> settings:
    """The loaded profile's settings for a machine run (never more examples than it)."""
    base = settings()
    values: dict[str, object] = {
        "deadline": None,
        "derandomize": PROFILE == "ci" or base.derandomize,
        "stateful_step_count": min(base.stateful_step_count, STEPS),
        "suppress_health_check": [*base.suppress_health_check, HealthCheck.too_slow],
    }
    values.update(changes)
    return settings(base, **values)  # type: ignore[arg-type]
