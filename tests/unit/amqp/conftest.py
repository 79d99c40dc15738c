"""A world with one RabbitMQ node, used as the default world of ``mqsim.pika``."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from mqsim import World, pika
from mqsim.amqp import Broker
from mqsim.clients.default import using

BROKER = "localhost:5672"


@pytest.fixture
def rabbit() -> Iterator[World]:
    """A world (seed 0, 3 h horizon) with a broker at ``localhost:5672`` for ``mqsim.pika``."""
    world = World(seed=0, until="3h")
    Broker(world, BROKER)
    with using(world):
        yield world


Connect = Callable[..., pika.BlockingConnection]


@pytest.fixture
def connect() -> Connect:
    """``connect(name="app")``: a connection to the default world's broker, named ``name``."""

    def open_connection(name: str = "app") -> pika.BlockingConnection:
        params = pika.ConnectionParameters("localhost", client_properties={"connection_name": name})
        return pika.BlockingConnection(params)

    return open_connection
