"""The facades' default world, created on first use and replaceable.

Its RabbitMQ broker node is ``localhost:5672`` and its Kafka broker ``localhost:9092``
(Kafka's defaults: topic auto-creation on, ``num.partitions=1``). The horizon is five
simulated minutes unless ``MQSIM_UNTIL`` says otherwise, so a ``while True: poll(1.0)``
loop ends (with :class:`mqsim.Interrupted`, a ``KeyboardInterrupt``) instead of running
forever.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from mqsim.sim import World

AMQP_ADDRESS = "localhost:5672"
KAFKA_ADDRESS = "localhost:9092"
DEFAULT_HORIZON = "5m"


class _Holder:
    """The one place the current default world is kept."""

    world: World | None = None


def new_default_world(seed: int | None = 0, *, until: str | float | None = None) -> World:
    """A fresh world with the default RabbitMQ broker and Kafka cluster in it."""
    horizon = until if until is not None else os.environ.get("MQSIM_UNTIL", DEFAULT_HORIZON)
    world = World(seed=seed, until=horizon)
    _populate(world)
    return world


def _populate(world: World) -> None:
    """Put the default brokers into ``world``."""
    from mqsim.amqp import Broker

    Broker(world, AMQP_ADDRESS)
    from mqsim.kafka import KafkaCluster

    KafkaCluster(world, brokers=[KAFKA_ADDRESS])


def default_world() -> World:
    """The world the facades use when none is given; created on first use."""
    if _Holder.world is None:
        _Holder.world = new_default_world()
    return _Holder.world


def set_default_world(world: World | None) -> None:
    """Make ``world`` the facades' default (``None``: a fresh one on next use)."""
    _Holder.world = world


@contextmanager
def using(world: World) -> Iterator[World]:
    """Within the block, the facades use ``world``."""
    previous = _Holder.world
    _Holder.world = world
    try:
        yield world
    finally:
        _Holder.world = previous
