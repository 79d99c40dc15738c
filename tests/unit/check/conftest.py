"""Fixtures for the checker tests."""

from __future__ import annotations

import pytest
from tapes import Tape


@pytest.fixture
def tape() -> Tape:
    """An empty hand-made trace."""
    return Tape()
