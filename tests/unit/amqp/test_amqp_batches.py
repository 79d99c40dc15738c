"""Frame batches (``publish_many``, ``ack_many``, deliveries of a prefetch window) give
exactly what the same frames sent one by one would."""

from __future__ import annotations

import importlib.util
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mqsim import World, pika
from mqsim.amqp import AMQPError, Broker, ClientChannel, ClientConnection
from mqsim.clients.default import using

BROKER = "localhost:5672"
BENCHMARK = Path(__file__).resolve().parents[3] / "benchmarks" / "amqp_throughput.py"


def client(world: World, name: str = "app") -> tuple[ClientConnection, ClientChannel]:
    conn = ClientConnection(world, BROKER, name)
    world.block(conn.open())
    channel, opened = conn.channel(1)
    world.block(opened)
    return conn, channel


def call(world: World, channel: ClientChannel, method: str, *args: Any) -> Any:
    event = channel.call(method, *args)
    world.block(event)
    return event.value


def frames(conn: ClientConnection) -> list[tuple[Any, ...]]:
    """The frames that arrived, as comparable tuples (message bodies, not objects)."""
    seen = [(*f[:6], f[6].body) if f[0] == "deliver" else f for f in conn.inbox]
    conn.inbox.clear()
    return seen


def consuming_world(
    trace: str, consumers: list[tuple[str, int]], prefetch: int
) -> tuple[World, ClientConnection, ClientChannel]:
    """A world whose client consumes from each (queue, x-max-priority) of ``consumers``."""
    world = World(seed=1, trace=trace, until="1h")
    Broker(world, BROKER)
    conn, channel = client(world)
    for queue, priority in sorted(set(consumers)):
        args = {"x-max-priority": priority} if priority else {}
        call(world, channel, "queue_declare", queue, False, False, False, False, args)
    call(world, channel, "basic_qos", 0, prefetch, False)
    for number, (queue, _priority) in enumerate(consumers):
        call(world, channel, "basic_consume", queue, f"c{number}", False, False, {})
    return world, conn, channel


SCENARIOS = st.fixed_dictionaries(
    {
        "consumers": st.lists(
            st.tuples(st.sampled_from(["a", "b"]), st.sampled_from([0, 3])),
            min_size=1,
            max_size=3,
        ).filter(lambda cs: len({q for q, _ in cs}) == len({(q, p) for q, p in cs})),
        "prefetch": st.integers(min_value=1, max_value=4),
        "published": st.lists(st.sampled_from(["a", "b"]), min_size=1, max_size=25),
        "rounds": st.lists(st.integers(min_value=0, max_value=2**16), min_size=1, max_size=6),
    }
)


def run_acks(scenario: dict[str, Any], *, batched: bool, trace: str) -> tuple[Any, ...]:
    world, conn, channel = consuming_world(trace, scenario["consumers"], scenario["prefetch"])
    for number, queue in enumerate(scenario["published"]):
        channel.publish("", queue, f"m{number}".encode())
    seen = [frames(conn)]
    outstanding = [f[3] for f in seen[0] if f[0] == "deliver"]
    for seed in scenario["rounds"]:
        rnd = random.Random(seed)
        rnd.shuffle(outstanding)
        cut = rnd.randint(0, len(outstanding))
        tags, outstanding = outstanding[:cut], outstanding[cut:]
        if batched:
            channel.ack_many(tags)
        else:
            for tag in tags:
                channel.ack(tag)
        arrived = frames(conn)
        seen.append(arrived)
        outstanding += [f[3] for f in arrived if f[0] == "deliver"]
    records = Counter((r.kind, r.msg, repr(sorted(r.fields.items()))) for r in world.trace)
    return seen, world.list_queues(BROKER), records


@settings(max_examples=40)
@given(SCENARIOS, st.sampled_from(["full", "off"]))
def test_ack_many_delivers_what_one_ack_per_frame_would(
    scenario: dict[str, Any], trace: str
) -> None:
    """Acks written in one go free the same prefetch room, in the same order, as acks sent
    one by one: the client receives the same deliveries (tags, consumers, messages) and
    the trace holds the same records (only their order within the instant may differ)."""
    one_by_one = run_acks(scenario, batched=False, trace=trace)
    batched = run_acks(scenario, batched=True, trace=trace)
    assert batched == one_by_one


def test_ack_many_unknown_tag_closes_the_channel_after_the_earlier_acks() -> None:
    """The acks before an unknown tag take effect; the unknown one closes the channel with
    406 PRECONDITION_FAILED, as RabbitMQ does for frames handled in order."""
    world, conn, channel = consuming_world("full", [("a", 0)], 5)
    for number in range(3):
        channel.publish("", "a", f"m{number}".encode())
    tags = [f[3] for f in frames(conn)]
    channel.ack_many([tags[0], 99, tags[1]])
    world.run(world.now + 1)
    closes = [f for f in conn.inbox if f[0] == "channel_close"]
    assert len(closes) == 1
    error = closes[0][2]
    assert isinstance(error, AMQPError)
    assert (error.code, error.text) == (406, "PRECONDITION_FAILED - unknown delivery tag 99")
    acked = [r.msg for r in world.trace.select("msg.ack")]
    assert acked == ["m1"]
    requeued = [r.msg for r in world.trace.select("msg.requeue")]
    assert requeued == ["m2", "m3"]
    assert world.list_queues(BROKER)["a"]["messages_ready"] == 2


def test_publish_many_traces_each_message_like_single_publishes() -> None:
    """A batch of publishes leaves one publish, route and store record per message, with
    the fields single publishes have."""

    def records(batched: bool) -> list[tuple[Any, ...]]:
        world = World(seed=0)
        Broker(world, BROKER)
        _conn, channel = client(world)
        call(world, channel, "queue_declare", "q", False, False, False, False, {})
        bodies = [b"x", b"y", b"z"]
        if batched:
            channel.publish_many("", "q", bodies)
        else:
            for body in bodies:
                channel.publish("", "q", body)
        return sorted(
            (r.kind, r.actor, r.msg, tuple(sorted(r.fields.items())))
            for r in world.trace.select(prefix="msg.")
        )

    assert records(batched=True) == records(batched=False)
    assert len(records(batched=True)) == 9


def load_benchmark() -> Any:
    spec = importlib.util.spec_from_file_location("amqp_throughput", BENCHMARK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("ack", ["each", "single", "multiple"])
@pytest.mark.parametrize("trace", ["off", "counters", "full"])
def test_throughput_benchmark_moves_every_message(trace: str, ack: str) -> None:
    """The benchmark's workload publishes, delivers and acks every message (its own
    assertion checks the queue is empty afterwards); a full trace has five records per
    message plus the broker and client nodes."""
    result = load_benchmark().run(2500, trace, ack=ack)
    assert result["messages"] == 2500
    assert result["records"] == (5 * 2500 + 2 if trace == "full" else 0)


def consume_with_jitter(trace: str) -> list[tuple[float, int, bytes]]:
    """(time, delivery tag, body) of each message a pika consumer gets over a jittery link."""
    world = World(seed=0, until="1h", latency=("uniform", "0ms", "3ms"), trace=trace)
    Broker(world, BROKER)
    got: list[tuple[float, int, bytes]] = []
    with using(world):
        channel = pika.BlockingConnection().channel()
        channel.queue_declare("q")
        for number in range(30):
            channel.basic_publish("", "q", f"m{number}")
        channel.basic_qos(prefetch_count=5)

        def on_message(ch: Any, method: Any, _props: Any, body: bytes) -> None:
            got.append((world.now, method.delivery_tag, body))
            ch.basic_ack(method.delivery_tag)
            if len(got) == 30:
                ch.stop_consuming()

        channel.basic_consume("q", on_message)
        channel.start_consuming()
    return got


def test_the_trace_level_does_not_change_what_happens() -> None:
    """Tracing only observes: with random latency, a consumer gets the same messages at
    the same simulated times whether the trace is full, counters-only or off."""
    full = consume_with_jitter("full")
    assert len(full) == 30
    assert consume_with_jitter("counters") == full
    assert consume_with_jitter("off") == full
