"""Crashes, restarts and partitions, as RabbitMQ and pika show them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mqsim import World, pika
from mqsim.amqp import Broker
from mqsim.clients.default import using

BROKER = "localhost:5672"


@pytest.fixture
def sim() -> Iterator[World]:
    world = World(seed=3, until="1h", latency="5ms")
    Broker(world, BROKER)
    with using(world):
        yield world


def connect(name: str, heartbeat: int | None = None) -> pika.BlockingConnection:
    params = pika.ConnectionParameters(
        "localhost", heartbeat=heartbeat, client_properties={"connection_name": name}
    )
    return pika.BlockingConnection(params)


def test_client_crash_requeues_unacked_after_latency(sim: World) -> None:
    """A killed consumer's unacked messages return (redelivered) once RabbitMQ sees the
    socket close, one link latency later."""
    ch = connect("worker").channel()
    ch.queue_declare("jobs")
    ch.basic_publish("", "jobs", "j1")
    method, _p, _b = ch.basic_get("jobs")
    assert method is not None
    assert sim.list_queues(BROKER)["jobs"]["messages_unacknowledged"] == 1
    sim.crash("worker")
    sim.advance(0.01)
    assert sim.list_queues(BROKER)["jobs"] == {
        "messages_ready": 1,
        "messages_unacknowledged": 0,
        "consumers": 0,
    }
    other = connect("other").channel()
    method, _p, body = other.basic_get("jobs", auto_ack=True)
    assert body == b"j1"
    assert method.redelivered


def test_broker_restart_keeps_only_durable_persistent(sim: World) -> None:
    """Restart: durable queue keeps persistent messages; the client sees StreamLostError."""
    conn = connect("app")
    ch = conn.channel()
    ch.queue_declare("dq", durable=True)
    ch.queue_declare("tq")
    ch.basic_publish("", "dq", "keep", pika.BasicProperties(delivery_mode=2))
    ch.basic_publish("", "dq", "lose")
    ch.basic_publish("", "tq", "gone", pika.BasicProperties(delivery_mode=2))
    conn.process_data_events(0.1)
    sim.restart(BROKER)
    with pytest.raises(pika.exceptions.StreamLostError):
        conn.process_data_events(0.1)
    assert sim.list_queues(BROKER) == {
        "dq": {"messages_ready": 1, "messages_unacknowledged": 0, "consumers": 0}
    }
    crash_drops = [r for r in sim.trace.select(kind="msg.drop") if r.get("reason") == "crash"]
    assert sorted(r.get("where") for r in crash_drops) == ["dq", "tq"]


def test_partition_longer_than_heartbeat_closes_connection(sim: World) -> None:
    """A cut outliving the heartbeat: the broker drops the connection (requeueing) and
    the client's next blocking call raises AMQPHeartbeatTimeout."""
    conn = connect("c", heartbeat=10)
    ch = conn.channel()
    ch.queue_declare("q")
    ch.basic_publish("", "q", "m")
    ch.basic_get("q")
    sim.partition("c", BROKER)
    sim.advance(11)
    assert sim.list_queues(BROKER)["q"]["messages_ready"] == 1
    with pytest.raises(pika.exceptions.AMQPHeartbeatTimeout):
        conn.process_data_events(0)


def test_short_partition_is_survived(sim: World) -> None:
    """A cut shorter than the heartbeat changes nothing."""
    conn = connect("c", heartbeat=10)
    ch = conn.channel()
    ch.queue_declare("q")
    sim.partition("c", BROKER)
    sim.advance(5)
    sim.heal()
    sim.advance(20)
    assert conn.is_open
    assert ch.queue_declare("q", passive=True).method.queue == "q"
