"""Small traces in the vocabulary of ``docs/trace.md``, for the picture tests.

The fixtures ``mixed_trace`` and ``busy_trace`` hand out the builder functions (pytest runs
in importlib mode, so tests import nothing from here).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mqsim import TraceRecord, World

RABBIT = "localhost:5672"
KAFKA = "localhost:9092"


def _mixed_trace(queue: str = "jobs", exchange: str = "orders", body: bytes = b"hi") -> World:
    """A RabbitMQ and a Kafka story with a crash, a partition and a few drops."""
    world = World(seed=0)
    emit = world.trace.emit
    emit("node.add", RABBIT)
    emit(
        "msg.publish",
        "producer",
        "m1",
        system="amqp",
        dest=exchange,
        key="k",
        body=body,
        confirm=True,
    )
    emit("msg.route", RABBIT, "m1", dest=exchange, queues=[queue, "audit"])
    emit("msg.store", RABBIT, "m1", where=queue)
    emit("msg.store", RABBIT, "m1", where="audit")
    emit("msg.confirm", "producer", "m1", ok=True, error=None)
    world.advance(0.25)
    emit("msg.deliver", RABBIT, "m1", where=queue, consumer="worker", redelivered=False, tag=1)
    emit("msg.consume", "worker", "m1", where=queue, redelivered=False)
    emit("msg.ack", RABBIT, "m1", where=queue, consumer="worker")
    emit(
        "msg.publish",
        "producer",
        "m2",
        system="amqp",
        dest="",
        key="nowhere",
        body=b"",
        confirm=False,
    )
    emit("msg.route", RABBIT, "m2", dest="", queues=[])
    emit("msg.drop", RABBIT, "m2", where=None, reason="unroutable")
    emit("fault.crash", RABBIT)
    emit("msg.drop", RABBIT, "m1", where="audit", reason="crash")
    emit("net.partition", "network", None, a="worker", b=RABBIT)
    world.advance(0.5)
    emit("net.heal", "network", None, a="worker", b=RABBIT)
    emit("fault.restart", RABBIT)
    world.advance(1)
    emit("kafka.assign", "c1", None, group="g", partitions=["t/0"], generation=1)
    emit(
        "msg.publish",
        "producer",
        "m3",
        system="kafka",
        dest="t",
        key=b"\x00k",
        body=b"v",
        confirm=True,
    )
    emit("msg.store", KAFKA, "m3", where="t/0", offset=0)
    emit("msg.confirm", "producer", "m3", ok=True, error=None)
    emit("msg.deliver", KAFKA, "m3", where="t/0", consumer="c1", offset=0)
    emit("msg.consume", "c1", "m3", where="t/0", offset=0, group="g")
    world.advance(2)
    emit(
        "kafka.commit", "c1", None, group="g", topic="t", partition=0, offset=1, ok=True, error=None
    )
    return world


def _busy_trace(messages: int = 40) -> list[TraceRecord]:
    """Many messages through one queue and one partition, for plots and limits."""
    world = World(seed=0)
    emit = world.trace.emit
    for n in range(1, messages + 1):
        msg = f"m{n}"
        system = "amqp" if n % 2 else "kafka"
        emit("msg.publish", "p", msg, system=system, dest="x", key=None, body=b"", confirm=True)
        if system == "amqp":
            emit("msg.store", RABBIT, msg, where="q")
        else:
            emit("msg.store", KAFKA, msg, where="x/0", offset=n // 2 - 1)
        world.advance(0.1)
        if n % 3 == 0:
            if system == "amqp":
                emit("msg.consume", "c", msg, where="q")
                emit("msg.ack", RABBIT, msg, where="q", consumer="c")
            else:
                emit("msg.consume", "c", msg, where="x/0", offset=n // 2 - 1, group="g")
    return list(world.trace)


@pytest.fixture
def mixed_trace() -> Callable[..., World]:
    """Builds the mixed RabbitMQ/Kafka story (names and body can be chosen)."""
    return _mixed_trace


@pytest.fixture
def busy_trace() -> Callable[..., list[TraceRecord]]:
    """Builds a trace of many messages through one queue and one partition."""
    return _busy_trace
