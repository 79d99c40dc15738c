"""Every message is accounted for: after any workload, the copies the trace says are
still alive in each queue are exactly what the broker holds (ready + unacked)."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from mqsim import World, pika
from mqsim.amqp import Broker
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
