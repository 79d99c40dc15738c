"""AMQP throughput: publish -> route -> deliver -> ack through one queue, prefetch 100.

Run: ``python benchmarks/amqp_throughput.py [--messages 1000000] [--trace off|counters|full]
[--ack each|multiple] [--tracemalloc]``

Uses the model's client protocol engine (:class:`mqsim.amqp.ClientConnection`), the
layer the pika facade is built on, with zero network latency. The publisher hands the
broker batches of 1000 messages (``publish_many``: what one socket write would carry);
the broker delivers up to the prefetch window at one simulated instant; the consumer acks
each delivery (``--ack each``) or once per batch it drained (``--ack multiple``).
Reports messages per wall-clock second and peak memory (max RSS of the process, or the
tracemalloc peak with ``--tracemalloc``, which slows the run).
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

from mqsim import World
from mqsim.amqp import Broker, ClientConnection

BROKER = "localhost:5672"


def run(
    messages: int,
    trace: str,
    *,
    ack: str = "each",
    batch: int = 1000,
    prefetch: int = 100,
    measure: bool = False,
) -> dict[str, float]:
    """Push ``messages`` through one queue; returns rate and peak memory."""
    world = World(seed=0, trace=trace)
    Broker(world, BROKER)
    client = ClientConnection(world, BROKER, "bench")
    world.block(client.open())
    channel, opened = client.channel(1)
    world.block(opened)
    for method, args in (
        ("queue_declare", ("jobs", False, False, False, False, {})),
        ("basic_qos", (0, prefetch, False)),
        ("basic_consume", ("jobs", "bench-consumer", False, False, {})),
    ):
        world.block(channel.call(method, *args))
    inbox = client.inbox
    bodies = [b"x" * 32] * batch
    publish_many = channel.publish_many
    send_ack = channel.ack
    each = ack == "each"
    consumed = 0
    sent = 0
    if measure:
        tracemalloc.start()
    start = time.perf_counter()
    while consumed < messages:
        chunk = min(batch, messages - sent)
        if chunk:
            publish_many("", "jobs", bodies[:chunk] if chunk < batch else bodies)
            sent += chunk
        while inbox:
            if each:
                frame = inbox.popleft()
                consumed += 1
                send_ack(frame[3], False)
            else:
                last = inbox[-1][3]
                consumed += len(inbox)
                inbox.clear()
                send_ack(last, True)
    elapsed = time.perf_counter() - start
    peak = 0.0
    if measure:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stats = world.list_queues(BROKER)["jobs"]
    assert stats == {"messages_ready": 0, "messages_unacknowledged": 0, "consumers": 1}
    return {
        "messages": consumed,
        "seconds": elapsed,
        "rate": consumed / elapsed,
        "tracemalloc_mib": peak,
        "maxrss_mib": rss,
        "records": len(world.trace),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="AMQP publish/deliver/ack throughput")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--trace", action="append", choices=["off", "counters", "full"])
    parser.add_argument("--ack", choices=["each", "multiple"], default="each")
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args()
    for level in args.trace or ["off", "full"]:
        r = run(args.messages, level, ack=args.ack, measure=args.tracemalloc)
        print(
            f"trace={level:8s} ack={args.ack:8s} messages={r['messages']:,} "
            f"time={r['seconds']:.2f}s rate={r['rate']:,.0f} msg/s "
            f"maxrss={r['maxrss_mib']:.0f} MiB tracemalloc_peak={r['tracemalloc_mib']:.1f} MiB "
            f"trace_records={r['records']:,}"
        )


if __name__ == "__main__":
    main()
