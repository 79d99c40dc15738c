"""Persistent messages in durable queues and the disk: RabbitMQ confirms them only after
their fsync (batched, at the latest 25 ms after the write), and a broker crash before
it loses them with the confirm unsent. Confirms already sent are not taken back."""

from __future__ import annotations

from typing import Any

import pytest

from mqsim import World, pika
from mqsim.amqp import BasicProperties, Broker, ClientChannel, ClientConnection
from mqsim.check import check
from mqsim.clients.default import using
from mqsim.sim import InvalidArgument

BROKER = "localhost:5672"
PERSISTENT = BasicProperties(delivery_mode=2)


def confirming(
    latency: float = 0.0, **broker: Any
) -> tuple[World, Broker, ClientConnection, ClientChannel]:
    """A client in confirm mode (its ``confirm_select`` sent through the model) with a
    durable queue ``dq`` and a non-durable one ``tq``."""
    world = World(seed=0, until="1h", latency=latency)
    rabbit = Broker(world, BROKER, **broker)
    conn = ClientConnection(world, BROKER, "app")
    world.block(conn.open())
    channel, opened = conn.channel(1)
    world.block(opened)
    world.block(channel.call("queue_declare", "dq", False, True, False, False, {}))
    world.block(channel.call("queue_declare", "tq", False, False, False, False, {}))
    world.block(channel.call("confirm_select"))
    return world, rabbit, conn, channel


def confirms(conn: ClientConnection) -> list[tuple[Any, ...]]:
    """The confirm frames received since the last call: (tag, multiple, ack)."""
    found = [f[2:] for f in conn.inbox if f[0] == "confirm"]
    conn.inbox.clear()
    return found


def confirm_times(world: World) -> dict[str, float]:
    return {str(r.msg): r.time for r in world.trace.select(kind="msg.confirm")}


def test_a_persistent_message_in_a_durable_queue_is_confirmed_after_the_fsync() -> None:
    """Transient, or to a non-durable queue: confirmed at once. Persistent to a durable
    queue: confirmed when the batch is fsynced, 25 ms after the write."""
    world, _rabbit, _conn, channel = confirming()
    channel.publish("", "dq", b"transient")
    channel.publish("", "tq", b"persistent, non-durable queue", PERSISTENT)
    channel.publish("", "dq", b"persistent", PERSISTENT)
    world.advance(0.01)
    assert confirm_times(world) == {"m1": 0.0, "m2": 0.0}
    world.advance(0.02)
    assert confirm_times(world) == {"m1": 0.0, "m2": 0.0, "m3": pytest.approx(0.025)}


def test_one_fsync_confirms_every_write_since_the_last_one() -> None:
    """Writes 10 ms apart share the fsync of the first: both are confirmed 25 ms after it,
    with one multiple ack (tag 2 is acked already: RabbitMQ's multiple covers it)."""
    world, _rabbit, conn, channel = confirming()
    channel.publish("", "dq", b"a", PERSISTENT)
    world.advance(0.01)
    channel.publish("", "dq", b"b")
    channel.publish("", "dq", b"c", PERSISTENT)
    world.advance(0.01)
    assert confirms(conn) == [(2, False, True)]
    world.advance(0.01)
    assert confirms(conn) == [(3, True, True)]
    assert confirm_times(world) == {"m2": 0.01, "m1": 0.025, "m3": 0.025}
    assert channel.unconfirmed == {}


def test_acks_of_a_batch_do_not_cover_a_publish_waiting_for_the_disk() -> None:
    """Publish 1 waits for the fsync; the batch 2..4 (transient) is acked one by one, as
    RabbitMQ's cut-off (the lowest unconfirmed publish) keeps a multiple ack below it."""
    world, _rabbit, conn, channel = confirming()
    channel.publish("", "dq", b"waits", PERSISTENT)
    channel.publish_many("", "dq", [b"x", b"y", b"z"])
    assert confirms(conn) == [(2, False, True), (3, False, True), (4, False, True)]
    assert list(channel.unconfirmed) == [1]
    world.advance(0.03)
    assert confirms(conn) == [(1, False, True)]


def test_a_crash_before_the_fsync_loses_the_message_and_its_confirm() -> None:
    """Stored, not yet on disk: the crash drops it (reason crash) and the publisher never
    gets a confirm. Its neighbour, fsynced before, survives."""
    world, rabbit, _conn, channel = confirming()
    channel.publish("", "dq", b"synced", PERSISTENT)
    world.advance(0.03)
    channel.publish("", "dq", b"lost", PERSISTENT)
    world.advance(0.01)
    world.crash(BROKER)
    world.advance(0.1)
    world.restart(BROKER)
    assert [(r.msg, r.get("where"), r.get("reason")) for r in world.trace.select("msg.drop")] == [
        ("m2", "dq", "crash")
    ]
    assert channel.confirms == {1: True}
    assert list(channel.unconfirmed) == [2]
    assert rabbit.list_queues()["dq"]["messages_ready"] == 1
    report = check(world.trace)
    assert report.unconfirmed_lost == ("m2",)
    assert not report.lost


def test_a_confirm_already_sent_still_arrives_after_the_crash() -> None:
    """The fsync's ack left the broker 25 ms after the write; the node dies while it is on
    the 20 ms link: the publisher still gets it, and the message survives."""
    world, rabbit, conn, channel = confirming(latency=0.02)
    channel.publish("", "dq", b"p", PERSISTENT)
    world.advance(0.02 + 0.025 + 0.01)
    world.crash(BROKER)
    world.advance(0.1)
    assert channel.confirms == {1: True}
    assert conn.closed_by is not None
    world.restart(BROKER)
    assert rabbit.list_queues()["dq"]["messages_ready"] == 1


def test_a_message_consumed_before_its_fsync_is_not_lost_but_never_confirmed() -> None:
    """A consumer got and acked it before the disk write; the crash leaves it consumed
    (no drop) and unconfirmed: a publisher that retries it makes a duplicate."""
    world, _rabbit, _conn, channel = confirming()
    channel.publish("", "dq", b"p", PERSISTENT)
    got = world.block(channel.call("basic_get", "dq", True))
    assert got
    world.crash(BROKER)
    assert not world.trace.select("msg.drop")
    assert world.trace.select("msg.ack")
    assert not world.trace.select("msg.confirm")


def test_sync_writes_at_once_and_sends_the_waiting_confirms() -> None:
    """``Broker.sync()`` (what a clean stop does first) makes everything written durable."""
    world, rabbit, _conn, channel = confirming()
    channel.publish("", "dq", b"p", PERSISTENT)
    assert rabbit.statistics().messages_unsynced == 1
    rabbit.sync()
    assert rabbit.statistics().messages_unsynced == 0
    assert channel.confirms == {1: True}
    world.restart(BROKER)
    assert rabbit.list_queues()["dq"]["messages_ready"] == 1


def test_sync_interval_zero_confirms_and_keeps_at_once() -> None:
    """``sync_interval=0``: no crash window, the confirm comes with the store."""
    world, rabbit, _conn, channel = confirming(sync_interval=0)
    channel.publish("", "dq", b"p", PERSISTENT)
    assert channel.confirms == {1: True}
    world.restart(BROKER)
    assert rabbit.list_queues()["dq"]["messages_ready"] == 1


@pytest.mark.parametrize("bad", [-0.01, "25ms", True])
def test_sync_interval_must_be_a_number_of_seconds(bad: Any) -> None:
    with pytest.raises(InvalidArgument, match="sync_interval"):
        Broker(World(), BROKER, sync_interval=bad)


def test_a_blocking_confirmed_publish_waits_for_the_disk() -> None:
    """pika's confirm_delivery(): basic_publish of a persistent message to a durable queue
    returns once the fsync's ack is in, 25 ms later."""
    world = World(seed=0, until="1h")
    Broker(world, BROKER)
    with using(world):
        channel = pika.BlockingConnection().channel()
        channel.queue_declare("dq", durable=True)
        channel.confirm_delivery()
        start = world.now
        channel.basic_publish(
            "", "dq", "p", pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent)
        )
        assert world.now - start == pytest.approx(0.025)
        channel.basic_publish("", "dq", "transient")
        assert world.now - start == pytest.approx(0.025)
    published = world.trace.select("msg.publish")
    assert [r.get("confirm") for r in published] == [True, True]
