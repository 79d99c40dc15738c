"""The pytest plugin mqsim installs: a fresh world per test, seeded from ``--mqsim-seed``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mqsim.clients.default import new_default_world, using
from mqsim.sim import World


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--mqsim-seed`` (default 0)."""
    parser.addoption(
        "--mqsim-seed", type=int, default=0, help="seed of the mqsim_world fixture (default 0)"
    )


@pytest.fixture
def mqsim_world(request: pytest.FixtureRequest) -> Iterator[World]:
    """A fresh default world (RabbitMQ at localhost:5672, Kafka at localhost:9092), made the
    facades' default for the test, so `from mqsim import pika` code talks to it."""
    seed: int = request.config.getoption("--mqsim-seed")
    world: World = new_default_world(seed)
    with using(world):
        yield world
    world.programs.shutdown()
