"""Details where mqsim.pika must behave as pika 1.4.4 does (found by the script fidelity
tests, tests/fidelity/rabbitmq_scripts)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mqsim import World, pika
from mqsim.amqp import Broker
from mqsim.clients.default import using
from mqsim.clients.pika import exceptions

BROKER = "localhost:5672"


@pytest.fixture
def sim() -> Iterator[World]:
    world = World(seed=1, until="10m")
    Broker(world, BROKER)
    with using(world):
        yield world


def connect() -> pika.BlockingConnection:
    return pika.BlockingConnection(pika.ConnectionParameters("localhost"))


def test_async_channel_error_is_read_by_the_next_call_on_that_channel(sim: World) -> None:
    """A publish to a missing exchange: the channel looks open (even while time passes)
    until a call on it reads the close, which raises ChannelClosedByBroker."""
    conn = connect()
    channel = conn.channel()
    channel.basic_publish(exchange="nope", routing_key="k", body="b")
    sim.advance(1.0)
    assert channel.is_open
    with pytest.raises(exceptions.ChannelClosedByBroker) as caught:
        channel.queue_declare("q")
    assert caught.value.reply_code == 404
    assert caught.value.reply_text == "NOT_FOUND - no exchange 'nope' in vhost '/'"
    assert not channel.is_open
    with pytest.raises(exceptions.ChannelWrongStateError):
        channel.queue_declare("q")


def test_unknown_delivery_tag_is_raised_by_the_next_blocking_call(sim: World) -> None:
    conn = connect()
    channel = conn.channel()
    channel.queue_declare("q")
    channel.basic_publish(exchange="", routing_key="q", body="x")
    method, _props, _body = channel.basic_get("q")
    assert method is not None
    channel.basic_ack(method.delivery_tag)
    channel.basic_ack(method.delivery_tag)
    assert channel.is_open
    with pytest.raises(exceptions.ChannelClosedByBroker) as caught:
        channel.queue_declare("q", passive=True)
    assert caught.value.args == (406, "PRECONDITION_FAILED - unknown delivery tag 1")


def test_a_close_read_by_a_call_on_another_channel_leaves_a_closed_channel(sim: World) -> None:
    """pika reads every frame in any blocking call: the failed channel is then closed, and
    the next call on it raises ChannelWrongStateError."""
    conn = connect()
    failed = conn.channel()
    failed.basic_publish(exchange="nope", routing_key="k", body="b")
    other = conn.channel()
    other.queue_declare("q")
    assert not failed.is_open
    assert other.is_open
    assert other.channel_number != failed.channel_number
    with pytest.raises(exceptions.ChannelWrongStateError):
        failed.basic_publish(exchange="", routing_key="q", body="b")


def test_after_the_broker_closed_the_connection(sim: World) -> None:
    """The first call raises why (503), later ones find pika's I/O loop closed:
    channel() ConnectionWrongStateError, process_data_events/sleep ValueError."""
    conn = connect()
    channel = conn.channel()
    with pytest.raises(exceptions.ConnectionClosedByBroker) as caught:
        channel.exchange_declare("weird", exchange_type="nonsense")
    assert caught.value.reply_code == 503
    assert conn.is_closed
    with pytest.raises(exceptions.ConnectionWrongStateError, match="Channel allocation"):
        conn.channel()
    with pytest.raises(ValueError, match=r"^Timeout closed before call$"):
        conn.process_data_events()
    with pytest.raises(ValueError, match=r"^Timeout closed before call$"):
        conn.sleep(1.0)
    with pytest.raises(exceptions.ConnectionWrongStateError):
        conn.process_data_events(time_limit=None)


def test_after_the_client_closed_the_connection(sim: World) -> None:
    conn = connect()
    conn.close()
    with pytest.raises(ValueError, match=r"^Timeout closed before call$"):
        conn.process_data_events(0)
    with pytest.raises(exceptions.ConnectionWrongStateError):
        conn.channel()


def test_cancel_rejects_only_the_messages_the_generator_has_not_yielded(sim: World) -> None:
    """cancel() returns 0; a yielded, unacked message stays unacked (back only when the
    connection closes); the buffered ones go back to the queue at once."""
    conn = connect()
    channel = conn.channel()
    channel.queue_declare("jobs")
    channel.basic_qos(prefetch_count=3)
    for n in range(5):
        channel.basic_publish(exchange="", routing_key="jobs", body=f"job {n + 1}")
    for method, _props, _body in channel.consume("jobs"):
        if method.delivery_tag <= 2:
            channel.basic_ack(method.delivery_tag)
        else:
            break
    assert channel.cancel() == 0
    bodies = []
    while True:
        method, _props, body = channel.basic_get("jobs", auto_ack=True)
        if method is None:
            break
        bodies.append(body)
    assert bodies == [b"job 4", b"job 5"]
    conn.close()
    other = connect().channel()
    method, _props, body = other.basic_get("jobs", auto_ack=True)
    assert body == b"job 3"
    assert method is not None
    assert method.redelivered


def test_reprs_and_long_headers_as_pika_prints_them(sim: World) -> None:
    channel = connect().channel()
    declared = channel.queue_declare("q")
    assert repr(declared.method) == (
        "<Queue.DeclareOk(['consumer_count=0', 'message_count=0', 'queue=q'])>"
    )
    assert repr(pika.BasicProperties()) == "<BasicProperties>"
    headers = {"small": 1, "big": 1_700_000_000_000, "nested": [2**40]}
    channel.basic_publish("", "q", b"x", pika.BasicProperties(headers=headers, priority=3))
    _method, props, _body = channel.basic_get("q", auto_ack=True)
    assert props.headers is not None
    assert type(props.headers["small"]) is int
    assert isinstance(props.headers["big"], pika.compat.long)
    assert repr(props.headers["big"]) == "1700000000000L"
    assert repr(props.headers["nested"]) == "[1099511627776L]"
    assert repr(props) == (
        "<BasicProperties([\"headers={'small': 1, 'big': 1700000000000L, "
        "'nested': [1099511627776L]}\", 'priority=3'])>"
    )
