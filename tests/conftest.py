"""Shared pytest setup: hypothesis profiles and a fresh, seeded world per test.

Profiles: ``ci`` (loaded when ``CI=true``; sized to fit CI's time), ``dev`` (the default
locally) and ``deep`` (``HYPOTHESIS_PROFILE=deep`` for long local runs).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from mqsim import World
from mqsim.clients import default

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "deep", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") == "true" else "dev")
)


@pytest.fixture
def world() -> World:
    """A fresh world with seed 0 and full tracing."""
    return World(seed=0)


@pytest.fixture(autouse=True)
def _fresh_default_world() -> Iterator[None]:
    """Each test starts with no default world, so facades never share state across tests."""
    default.set_default_world(None)
    yield
    default.set_default_world(None)
