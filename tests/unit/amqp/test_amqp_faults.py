"""Crashes, restarts and partitions, as RabbitMQ and pika show them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mqsim import World, pika
from mqsim.amqp import Broker, ClientConnection
from mqsim.check import check
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


# -- every published message has a record of where it went ----------


def drops(world: World) -> list[tuple[str | None, str, str | None, str | None, object]]:
    """(msg, actor, where, reason, dest) of each msg.drop."""
    return [
        (r.msg, r.actor, r.get("where"), r.get("reason"), r.get("dest"))
        for r in world.trace.select(kind="msg.drop")
    ]


def losses(world: World) -> list[tuple[str, str]]:
    """(msg, why) of what the checker finds lost (confirmed or not)."""
    return [
        (f.msg, f.detail)
        for f in check(world.trace).findings
        if f.kind in ("lost", "unconfirmed_lost")
    ]


def test_a_publish_in_flight_when_the_broker_crashes_ends_with_the_crash(sim: World) -> None:
    """The frame was on the wire when the node died: it reaches no queue; the broker's
    crash is its end (``where`` None, ``dest`` the exchange), and the checker says so."""
    channel = connect("app").channel()
    channel.queue_declare("q")
    channel.basic_publish("", "q", "in flight")
    sim.crash(BROKER)
    sim.advance(0.1)
    assert drops(sim) == [("m1", BROKER, None, "crash", "")]
    assert losses(sim) == [("m1", "dropped (crash), never received")]


def test_a_publish_written_to_a_dead_connection_is_dropped_by_the_client(sim: World) -> None:
    """The broker is down and the client does not know yet (the socket's end takes a
    link latency to show): what it writes goes nowhere, reason ``connection-lost``."""
    conn = connect("app")
    channel = conn.channel()
    channel.queue_declare("q")
    sim.crash(BROKER)
    channel.basic_publish("amq.direct", "k", "after the crash")
    sim.advance(0.1)
    assert drops(sim) == [("m1", "app", None, "connection-lost", "amq.direct")]
    with pytest.raises(pika.exceptions.StreamLostError):
        conn.process_data_events(0)


def test_publishes_the_broker_refuses_end_with_a_channel_error(sim: World) -> None:
    """A publish to a missing exchange closes the channel (404); the publish written
    behind it arrives on the closing channel and is discarded too."""
    channel = connect("app").channel()
    channel.queue_declare("q")
    channel.basic_publish("nope", "k", "refused")
    channel.basic_publish("", "q", "behind it")
    with pytest.raises(pika.exceptions.ChannelClosedByBroker):
        channel.queue_declare("q", passive=True)
    assert drops(sim) == [
        ("m1", BROKER, None, "channel-error", "nope"),
        ("m2", BROKER, None, "channel-error", ""),
    ]
    assert sim.list_queues(BROKER)["q"]["messages_ready"] == 0


def test_a_batch_cut_short_by_a_channel_error_accounts_for_every_message() -> None:
    """publish_many to a missing exchange: the first publish closes the channel, the
    rest of the batch is discarded with it."""
    world = World(seed=0, until="1h")
    Broker(world, BROKER)
    conn = ClientConnection(world, BROKER, "app")
    world.block(conn.open())
    channel, opened = conn.channel(1)
    world.block(opened)
    channel.publish_many("nope", "k", [b"a", b"b", b"c"])
    assert [(m, reason) for m, _a, _w, reason, _d in drops(world)] == [
        ("m1", "channel-error"),
        ("m2", "channel-error"),
        ("m3", "channel-error"),
    ]


# -- a killed consumer ----------


def consumer(world: World, name: str, *, no_ack: bool, prefetch: int) -> ClientConnection:
    """A client consuming ``jobs`` (declared by it) with the model's client protocol."""
    conn = ClientConnection(world, BROKER, name)
    world.block(conn.open())
    channel, opened = conn.channel(1)
    world.block(opened)
    world.block(channel.call("queue_declare", "jobs", False, False, False, False, {}))
    world.block(channel.call("basic_qos", 0, prefetch, False))
    world.block(channel.call("basic_consume", "jobs", "", no_ack, False, {}))
    return conn


def publish(world: World, count: int) -> None:
    conn = ClientConnection(world, BROKER, world.unique_name("publisher"))
    world.block(conn.open())
    channel, opened = conn.channel(1)
    world.block(opened)
    for n in range(count):
        channel.publish("", "jobs", f"job {n}".encode())


def test_a_killed_manual_ack_consumer_loses_nothing(sim: World) -> None:
    """Deliveries waiting in its buffer still belong to the broker: no drop, and they
    come back (redelivered) once the broker sees the socket close."""
    worker = consumer(sim, "worker", no_ack=False, prefetch=3)
    publish(sim, 3)
    sim.advance(0.1)
    assert len(worker.inbox) == 3
    sim.crash("worker")
    sim.advance(0.1)
    assert drops(sim) == []
    requeued = sim.trace.select(kind="msg.requeue")
    assert [(r.msg, r.get("reason")) for r in requeued] == [
        ("m1", "client-crash"),
        ("m2", "client-crash"),
        ("m3", "client-crash"),
    ]


def test_a_killed_auto_ack_consumer_loses_its_buffer_and_what_was_on_the_way(
    sim: World,
) -> None:
    """Auto-ack: the broker forgot each message when it sent it. Those in the dead
    client's buffer, and those still on the wire to it, end with ``client-crash``."""
    worker = consumer(sim, "worker", no_ack=True, prefetch=0)
    publish(sim, 2)
    sim.advance(0.1)
    assert len(worker.inbox) == 2
    publish(sim, 1)
    sim.advance(0.007)  # stored and sent (5 ms), not yet at the worker (10 ms)
    sim.crash("worker")
    sim.advance(0.1)
    assert drops(sim) == [
        ("m1", "worker", "jobs", "client-crash", None),
        ("m2", "worker", "jobs", "client-crash", None),
        ("m3", "worker", "jobs", "client-crash", None),
    ]
    assert losses(sim) == [
        (m, "dropped (client-crash), never received") for m in ("m1", "m2", "m3")
    ]


def test_an_auto_delete_queue_drops_what_it_holds_with_reason_auto_delete(sim: World) -> None:
    """The last consumer cancels: the queue goes, its ready messages with it, and the
    unacked one when its channel closes."""
    conn = connect("app")
    channel = conn.channel()
    channel.queue_declare("tmp", auto_delete=True)
    channel.basic_qos(prefetch_count=1)
    tag = channel.basic_consume("tmp", on_message_callback=lambda *_: None)
    for n in range(3):
        channel.basic_publish("", "tmp", f"m{n}")
    conn.process_data_events(0.1)
    channel.basic_cancel(tag)
    channel.close()
    sim.advance(0.1)
    assert sorted((m, where, reason) for m, _a, where, reason, _d in drops(sim)) == [
        ("m1", "tmp", "auto-delete"),
        ("m2", "tmp", "auto-delete"),
        ("m3", "tmp", "auto-delete"),
    ]
