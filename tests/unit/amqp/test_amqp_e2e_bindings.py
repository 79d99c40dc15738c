"""Exchange-to-exchange bindings with cycles: RabbitMQ follows each exchange once, so a
cycle neither loops nor duplicates, and a queue reached by several paths gets one copy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mqsim import World, pika

BROKER = "localhost:5672"
Connect = Callable[..., pika.BlockingConnection]


def bodies(channel: Any, queue: str) -> list[bytes]:
    """Everything ready in ``queue`` (auto-acked)."""
    found = []
    while True:
        method, _props, body = channel.basic_get(queue, auto_ack=True)
        if method is None:
            return found
        found.append(body)


def routes(world: World) -> list[tuple[str | None, str, list[str]]]:
    return [
        (r.msg, r.get("dest"), sorted(r.get("queues"))) for r in world.trace.select("msg.route")
    ]


@pytest.fixture
def ring(connect: Connect) -> Any:
    """x1 (fanout) -> x2 (topic, 'a.*') -> x3 (direct, 'a.b') -> x1: a three-exchange
    cycle with queue qN bound to xN (q2 with 'a.#', q3 with 'a.b')."""
    channel = connect().channel()
    for name, kind in (("x1", "fanout"), ("x2", "topic"), ("x3", "direct")):
        channel.exchange_declare(name, kind)
    channel.exchange_bind("x2", "x1")
    channel.exchange_bind("x3", "x2", "a.*")
    channel.exchange_bind("x1", "x3", "a.b")
    channel.queue_declare("q1")
    channel.queue_declare("q2")
    channel.queue_declare("q3")
    channel.queue_bind("q1", "x1")
    channel.queue_bind("q2", "x2", "a.#")
    channel.queue_bind("q3", "x3", "a.b")
    return channel


@pytest.mark.parametrize("start", ["x1", "x2", "x3"])
def test_a_cycle_delivers_one_copy_per_queue_from_any_entry(
    rabbit: World, ring: Any, start: str
) -> None:
    """Whichever exchange of the cycle a matching message enters, each queue on the cycle
    gets exactly one copy and routing ends."""
    ring.basic_publish(start, "a.b", "m")
    assert {q: bodies(ring, q) for q in ("q1", "q2", "q3")} == {
        "q1": [b"m"],
        "q2": [b"m"],
        "q3": [b"m"],
    }
    assert routes(rabbit) == [("m1", start, ["q1", "q2", "q3"])]


def test_bindings_on_the_cycle_still_filter(rabbit: World, ring: Any) -> None:
    """'a.c' passes x1 -> x2 but not x2's other bindings to x3 ('a.*' matches, 'a.b' at x3
    does not): q1 and q2 get it, q3 not; 'z' entering at x3 goes nowhere."""
    ring.basic_publish("x1", "a.c", "ac")
    ring.basic_publish("x3", "z", "z", mandatory=True)
    assert (bodies(ring, "q1"), bodies(ring, "q2"), bodies(ring, "q3")) == ([b"ac"], [b"ac"], [])
    assert routes(rabbit) == [("m1", "x1", ["q1", "q2"]), ("m2", "x3", [])]
    drops = [(r.msg, r.get("reason")) for r in rabbit.trace.select("msg.drop")]
    assert drops == [("m2", "unroutable")]


def test_an_exchange_bound_to_itself_routes_once(rabbit: World, connect: Connect) -> None:
    """A self-binding is accepted and ignored for routing: one copy."""
    channel = connect().channel()
    channel.exchange_declare("self", "fanout")
    channel.exchange_bind("self", "self")
    channel.queue_declare("q")
    channel.queue_bind("q", "self")
    channel.basic_publish("self", "", "once")
    assert bodies(channel, "q") == [b"once"]


def test_a_queue_reached_by_two_paths_gets_one_copy(rabbit: World, connect: Connect) -> None:
    """x -> left -> q and x -> right -> q: one copy in q."""
    channel = connect().channel()
    for name in ("x", "left", "right"):
        channel.exchange_declare(name, "fanout")
    channel.exchange_bind("left", "x")
    channel.exchange_bind("right", "x")
    channel.queue_declare("q")
    channel.queue_bind("q", "left")
    channel.queue_bind("q", "right")
    channel.basic_publish("x", "", "one")
    assert bodies(channel, "q") == [b"one"]


def test_a_cycle_without_queues_is_unroutable(rabbit: World, connect: Connect) -> None:
    """x1 <-> x2 and no queue: a mandatory publish comes back 312 NO_ROUTE."""
    channel = connect().channel()
    channel.exchange_declare("x1", "fanout")
    channel.exchange_declare("x2", "fanout")
    channel.exchange_bind("x2", "x1")
    channel.exchange_bind("x1", "x2")
    returned: list[tuple[int, str]] = []
    channel.add_on_return_callback(
        lambda _ch, method, _p, _b: returned.append((method.reply_code, method.reply_text))
    )
    channel.basic_publish("x1", "k", "lost", mandatory=True)
    channel.connection.process_data_events(0)
    assert returned == [(312, "NO_ROUTE")]


def test_alternate_exchanges_pointing_at_each_other(rabbit: World, connect: Connect) -> None:
    """x1's alternate exchange is x2 and x2's is x1: a key neither routes visits each once
    and is returned; a key x2 routes reaches its queue through x1's alternate."""
    channel = connect().channel()
    channel.exchange_declare("x1", "direct", arguments={"alternate-exchange": "x2"})
    channel.exchange_declare("x2", "direct", arguments={"alternate-exchange": "x1"})
    channel.queue_declare("q")
    channel.queue_bind("q", "x2", "k")
    returned: list[str] = []
    channel.add_on_return_callback(lambda _ch, method, _p, _b: returned.append(method.routing_key))
    channel.basic_publish("x1", "k", "via-ae", mandatory=True)
    channel.basic_publish("x1", "z", "nowhere", mandatory=True)
    channel.connection.process_data_events(0)
    assert bodies(channel, "q") == [b"via-ae"]
    assert returned == ["z"]


def test_unbinding_or_deleting_breaks_the_cycle(rabbit: World, ring: Any) -> None:
    """Removing x2 -> x3 stops routing at x2; deleting x2 then removes its bindings in both
    directions, so x1 reaches only q1."""
    ring.exchange_unbind("x3", "x2", "a.*")
    ring.basic_publish("x1", "a.b", "m1")
    assert (bodies(ring, "q1"), bodies(ring, "q2"), bodies(ring, "q3")) == ([b"m1"], [b"m1"], [])
    ring.exchange_delete("x2")
    ring.basic_publish("x1", "a.b", "m2")
    ring.basic_publish("x3", "a.b", "m3")
    assert (bodies(ring, "q1"), bodies(ring, "q2"), bodies(ring, "q3")) == (
        [b"m2", b"m3"],
        [],
        [b"m3"],
    )


def test_an_internal_exchange_on_a_cycle_is_reached_only_through_bindings(
    rabbit: World, connect: Connect
) -> None:
    """Publishing to an internal exchange is refused (403), but routing through an
    exchange-to-exchange binding into it works, cycle or not."""
    conn = connect()
    channel = conn.channel()
    channel.exchange_declare("front", "fanout")
    channel.exchange_declare("inner", "fanout", internal=True)
    channel.exchange_bind("inner", "front")
    channel.exchange_bind("front", "inner")
    channel.queue_declare("q")
    channel.queue_bind("q", "inner")
    closes: list[tuple[int, str]] = []
    channel._add_on_close_callback(
        lambda _ch, error: closes.append((error.reply_code, error.reply_text))
    )
    channel.basic_publish("front", "", "ok")
    assert bodies(channel, "q") == [b"ok"]
    channel.basic_publish("inner", "", "refused")
    conn.process_data_events(0)
    assert closes == [
        (403, "ACCESS_REFUSED - cannot publish to internal exchange 'inner' in vhost '/'")
    ]
    assert not channel.is_open


def test_auto_delete_exchanges_on_a_cycle_go_with_their_last_binding(
    rabbit: World, connect: Connect
) -> None:
    """x1 <-> x2, both auto-delete: unbinding x2 -> x1 leaves x2 without bindings as a
    source, so it is deleted, which removes x1 -> x2, so x1 goes too."""
    channel = connect().channel()
    channel.exchange_declare("x1", "fanout", auto_delete=True)
    channel.exchange_declare("x2", "fanout", auto_delete=True)
    channel.exchange_bind("x2", "x1")
    channel.exchange_bind("x1", "x2")
    channel.exchange_unbind("x1", "x2")
    for name in ("x1", "x2"):
        with pytest.raises(pika.exceptions.ChannelClosedByBroker) as closed:
            channel.exchange_declare(name, passive=True)
        assert closed.value.reply_code == 404
        channel = connect().channel()
