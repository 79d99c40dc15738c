"""Every message is accounted for: after any workload, the copies the trace says are
still alive in each queue are exactly what the broker holds (ready + unacked), and
through broker crashes every published message has a recorded end."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from mqsim import World, pika
from mqsim.amqp import BasicProperties, Broker, ClientChannel, ClientConnection
from mqsim.clients.default import using

BROKER = "localhost:5672"
QUEUES = {
    "plain": {},
    "ttl": {"x-message-ttl": 50, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "dead"},
    "short": {"x-max-length": 2, "x-dead-letter-exchange": "dlx"},
    "picky": {"x-max-length": 1, "x-overflow": "reject-publish"},
    "refusing": {
        "x-max-length": 1,
        "x-overflow": "reject-publish-dlx",
        "x-dead-letter-exchange": "dlx",
    },
    "limited": {"x-queue-type": "quorum", "x-delivery-limit": 1, "x-dead-letter-exchange": "dlx"},
    "dead": {},
}
#: Drops of copies a queue refused before storing them.
NEVER_STORED = ("reject-publish", "cycle")
OPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("publish"),
            st.sampled_from(["", "dlx", "fan"]),
            st.sampled_from([*QUEUES, "nowhere"]),
        ),
        st.tuples(st.just("get"), st.sampled_from(list(QUEUES)), st.booleans()),
        st.tuples(st.just("settle"), st.sampled_from(["ack", "nack", "requeue"]), st.just("")),
        st.tuples(st.just("sleep"), st.sampled_from(["0.01", "0.1"]), st.just("")),
        st.tuples(st.just("reopen"), st.just(""), st.just("")),
    ),
    max_size=40,
)


def live_copies(world: World) -> Counter[str]:
    """Copies per queue that the trace says are still in the broker."""
    alive: Counter[tuple[str | None, str]] = Counter()
    for record in world.trace:
        where = record.get("where")
        if record.kind == "msg.store":
            alive[(record.msg, where)] += 1
        elif record.kind == "msg.drop" and record.get("reason") in NEVER_STORED:
            continue
        elif (
            record.kind in ("msg.drop", "msg.ack") and where is not None and record.actor == BROKER
        ):
            alive[(record.msg, where)] -= 1
            assert alive[(record.msg, where)] >= 0, record
    per_queue: Counter[str] = Counter()
    for (_msg, where), count in alive.items():
        if count:
            per_queue[where] += count
    return per_queue


@settings(max_examples=60)
@given(OPS)
def test_trace_accounts_for_every_copy(ops: list[tuple[str, str, object]]) -> None:
    """Replaying the trace's store/ack/drop records gives the broker's own counts, and
    every published message was routed or dropped as unroutable."""
    world = World(seed=7, until="1h")
    Broker(world, BROKER)
    with using(world):
        conn = pika.BlockingConnection()
        ch = conn.channel()
        ch.exchange_declare("dlx", "fanout")
        ch.exchange_declare("fan", "fanout")
        for name, args in QUEUES.items():
            ch.queue_declare(name, durable="x-queue-type" in args, arguments=args)
            ch.queue_bind(name, "fan", "")
        ch.queue_bind("dead", "dlx", "")
        held: list[int] = []
        for kind, a, b in ops:
            if kind == "publish":
                ch.basic_publish(a, str(b), b"body")
            elif kind == "get":
                method, _p, _b = ch.basic_get(a, auto_ack=bool(b))
                if method is not None and not b:
                    held.append(method.delivery_tag)
            elif kind == "settle" and held:
                tag = held.pop(0)
                if a == "ack":
                    ch.basic_ack(tag)
                else:
                    ch.basic_nack(tag, requeue=a == "requeue")
            elif kind == "sleep":
                conn.sleep(float(a))
            elif kind == "reopen":
                ch.close()
                held.clear()
                ch = conn.channel()
        conn.process_data_events(0)
    counts = world.list_queues(BROKER)
    expected = {
        name: c["messages_ready"] + c["messages_unacknowledged"] for name, c in counts.items()
    }
    got = live_copies(world)
    assert {name: got.get(name, 0) for name in expected} == expected
    routed = {r.msg for r in world.trace.select(kind="msg.route")}
    published = {r.msg for r in world.trace.select(kind="msg.publish")}
    assert routed == published


FAULT_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("publish"), st.sampled_from(["dq", "tq", "nope"]), st.booleans()),
        st.tuples(st.just("sleep"), st.sampled_from([0.002, 0.01, 0.03]), st.just(False)),
        st.tuples(st.just("crash"), st.sampled_from([0.0, 0.004, 0.05]), st.just(False)),
    ),
    max_size=30,
)


@settings(max_examples=60)
@given(FAULT_OPS)
def test_every_publish_has_an_end_through_crashes(ops: list[tuple[str, object, bool]]) -> None:
    """Publishes in confirm mode over a 5 ms link while the broker crashes and restarts:
    each message is routed, returned or dropped with a reason (never silently gone), and
    no persistent message confirmed into the durable queue is lost."""
    world = World(seed=7, until="1h", latency="5ms")
    Broker(world, BROKER)
    persistent = BasicProperties(delivery_mode=2)
    kept: dict[str, bool] = {}
    session: list[ClientChannel] = []

    def channel() -> ClientChannel | None:
        if session and session[-1].open:
            return session[-1]
        if not world.is_up(BROKER):
            return None
        conn = ClientConnection(world, BROKER, world.unique_name("app"))
        world.block(conn.open())
        opened_channel, opened = conn.channel(1)
        world.block(opened)
        world.block(opened_channel.call("queue_declare", "dq", False, True, False, False, {}))
        world.block(opened_channel.call("queue_declare", "tq", False, False, False, False, {}))
        world.block(opened_channel.call("confirm_select"))
        session.append(opened_channel)
        return opened_channel

    for kind, arg, flag in ops:
        if kind == "publish":
            found = channel()
            if found is not None:
                exchange, key = ("nope", "k") if arg == "nope" else ("", str(arg))
                props = persistent if flag else None
                msg, _seq = found.publish(exchange, key, b"body", props)
                kept[str(msg.id)] = flag and arg == "dq"
        elif kind == "sleep":
            world.advance(float(str(arg)))
        else:
            world.crash(BROKER)
            if arg:
                world.advance(float(str(arg)))
            world.restart(BROKER)
    world.advance(1.0)
    ends = {
        r.msg
        for r in world.trace
        if r.kind in ("msg.route", "msg.drop", "msg.return") and r.msg is not None
    }
    assert set(kept) <= ends
    confirmed = {r.msg for r in world.trace.select(kind="msg.confirm") if r.get("ok")}
    crashed = {
        r.msg
        for r in world.trace.select(kind="msg.drop")
        if r.get("reason") == "crash" and r.get("where") == "dq"
    }
    assert not {m for m in crashed & confirmed if kept[str(m)]}
