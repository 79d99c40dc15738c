"""consumer_timeout: RabbitMQ 3.10 closes a channel that holds a delivery unacked for
longer than ``consumer_timeout`` (30 min), checking on the channel's 60 s tick."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from mqsim import InvalidArgument, World, pika
from mqsim.amqp import Broker
from mqsim.clients.default import using

BROKER = "localhost:5672"
Connect = Callable[..., pika.BlockingConnection]

TEXT = (
    "PRECONDITION_FAILED - delivery acknowledgement on channel {channel} timed out. Timeout "
    "value used: {millis} ms. This timeout value can be configured, see consumers doc guide "
    "to learn more"
)


@pytest.fixture
def quick() -> Iterator[World]:
    """A broker with a 5 s consumer timeout checked every second."""
    world = World(seed=0, until="1h")
    Broker(world, BROKER, consumer_timeout=5, channel_tick_interval=1)
    with using(world):
        yield world


def hold_one(world: World, connect: Connect) -> tuple[pika.BlockingConnection, list[float]]:
    """A consumer of ``jobs`` that takes one message and never acks it; when it got them."""
    queue = "jobs"
    conn = connect("worker")
    channel = conn.channel()
    channel.queue_declare(queue)
    channel.basic_qos(prefetch_count=1)
    got: list[float] = []
    channel.basic_consume(queue, lambda _ch, _m, _p, _b: got.append(world.now))
    return conn, got


def test_a_held_delivery_closes_the_channel_at_the_first_tick_after_30_minutes(
    rabbit: World, connect: Connect
) -> None:
    """With the defaults the channel closes 31 minutes after the delivery (the first
    60 s tick at which the delivery is older than 1800000 ms), with RabbitMQ's 406 text;
    the message goes back to the queue and is redelivered to the next consumer."""
    conn, got = hold_one(rabbit, connect)
    connect("shop").channel().basic_publish("", "jobs", "j1")
    channel = conn._channels[1]
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as closed:
        channel.start_consuming()
    assert (closed.value.reply_code, closed.value.reply_text) == (
        406,
        TEXT.format(channel=1, millis=1800000),
    )
    assert got == [0.0]
    assert rabbit.now == 1860.0
    requeues = rabbit.trace.select("msg.requeue")
    assert [(r.time, r.msg, r.get("reason")) for r in requeues] == [
        (1860.0, "m1", "consumer-timeout")
    ]
    method, _props, body = conn.channel().basic_get("jobs", auto_ack=True)
    assert body == b"j1"
    assert method.redelivered


def test_acking_in_time_keeps_the_channel_and_stops_the_ticks(
    rabbit: World, connect: Connect
) -> None:
    """An ack 1700 s after the delivery is in time: the channel stays open, and once it
    holds nothing unacked it stops ticking (nothing is scheduled after the next tick)."""
    conn, got = hold_one(rabbit, connect)
    channel = conn._channels[1]
    connect("shop").channel().basic_publish("", "jobs", "j1")
    conn.process_data_events(0)
    assert got == [0.0]
    conn.call_later(1700, lambda: channel.basic_ack(1))
    conn.sleep(1750)
    rabbit.run()
    assert channel.is_open
    assert rabbit.now == 1750.0
    assert not rabbit.trace.select("msg.requeue")
    assert rabbit.list_queues(BROKER)["jobs"]["messages_unacknowledged"] == 0


def test_the_oldest_unacked_delivery_counts(quick: World, connect: Connect) -> None:
    """Acking the oldest delivery moves the deadline to the next oldest: deliveries at
    0.5 s and 3 s, the first acked at 4 s: the channel closes at the first tick after
    3 s + 5 s (8.5 s with ticks every second from 0.5 s)."""
    conn = connect("worker")
    channel = conn.channel()
    channel.queue_declare("jobs")
    tags: list[int] = []
    channel.basic_consume("jobs", lambda _ch, method, _p, _b: tags.append(method.delivery_tag))
    shop = connect("shop").channel()
    quick.advance(0.5)
    shop.basic_publish("", "jobs", "j1")
    quick.advance(2.5)
    shop.basic_publish("", "jobs", "j2")
    conn.process_data_events(0)
    quick.advance(1)
    channel.basic_ack(tags[0])
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as closed:
        channel.start_consuming()
    assert closed.value.reply_text == TEXT.format(channel=1, millis=5000)
    assert quick.now == 8.5
    assert tags == [1, 2]


def test_a_basic_get_without_ack_counts_too(quick: World, connect: Connect) -> None:
    """A message fetched with basic.get and not acked is a pending ack like a consumer's:
    its channel (here number 2) is closed the same way."""
    conn = connect("worker")
    conn.channel().queue_declare("jobs")
    channel = conn.channel()
    closes: list[tuple[float, int, str]] = []
    channel._add_on_close_callback(
        lambda _ch, error: closes.append((quick.now, error.reply_code, error.reply_text))
    )
    channel.basic_publish("", "jobs", "j1")
    method, _props, _body = channel.basic_get("jobs")
    assert method is not None
    conn.sleep(10)
    assert not channel.is_open
    assert closes == [(6.0, 406, TEXT.format(channel=2, millis=5000))]
    requeued = [(r.time, r.get("reason")) for r in quick.trace.select("msg.requeue")]
    assert requeued == [(6.0, "consumer-timeout")]


def test_no_consumer_timeout_never_closes(connect: Connect) -> None:
    """consumer_timeout None (RabbitMQ: consumer_timeout = false): held deliveries stay
    unacked for as long as the channel lives, and no tick is scheduled."""
    world = World(seed=0, until="3h")
    Broker(world, BROKER, consumer_timeout=None)
    with using(world):
        conn, got = hold_one(world, connect)
        connect("shop").channel().basic_publish("", "jobs", "j1")
        conn.process_data_events(0)
        world.run()
        assert got == [0.0]
        assert world.now == 0.0
        conn.sleep(7200)
        assert conn._channels[1].is_open
    assert world.list_queues(BROKER)["jobs"]["messages_unacknowledged"] == 1


@pytest.mark.parametrize(
    ("setting", "value"),
    [("consumer_timeout", 0), ("consumer_timeout", -1), ("channel_tick_interval", 0)],
)
def test_broker_timing_settings_must_be_positive(setting: str, value: float) -> None:
    """A zero or negative consumer timeout or tick is mqsim input error naming the field."""
    with pytest.raises(InvalidArgument, match=f"{setting}: expected a number of seconds > 0"):
        Broker(World(), BROKER, **{setting: value})
