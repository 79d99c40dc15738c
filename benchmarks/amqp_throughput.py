"""AMQP throughput: publish -> route -> deliver -> ack through one queue, prefetch 100.

Run: ``python benchmarks/amqp_throughput.py [--messages 1000000] [--trace off|counters|full]``

Uses the model's client protocol engine (:class:`mqsim.amqp.ClientConnection`), the
layer the pika facade is built on, with zero network latency. Reports messages per
wall-clock second and peak traced memory for each trace level asked for.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

from mqsim import World
from mqsim.amqp import Broker, ClientConnection

BROKER = "localhost:5672"


def run(messages: int, trace: str, *, batch: int = 1000, prefetch: int = 100) -> dict[str, float]:
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
    body = b"x" * 32
    publish = channel.publish
    ack = channel.ack
    consumed = 0
    tracemalloc.start()
    start = time.perf_counter()
    sent = 0
    while consumed < messages:
        chunk = min(batch, messages - sent)
        for _ in range(chunk):
            publish("", "jobs", body)
        sent += chunk
        while inbox:
            frame = inbox.popleft()
            if frame[0] == "deliver":
                consumed += 1
                ack(frame[3], False)
    elapsed = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "messages": consumed,
        "seconds": elapsed,
        "rate": consumed / elapsed,
        "peak_mib": peak / 2**20,
        "records": len(world.trace),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--trace", action="append", choices=["off", "counters", "full"])
    parser.add_argument("--no-memory", action="store_true", help="skip tracemalloc (faster)")
    args = parser.parse_args()
    for level in args.trace or ["off", "full"]:
        result = run(args.messages, level)
        print(
            f"trace={level:8s} messages={result['messages']:,} "
            f"time={result['seconds']:.2f}s rate={result['rate']:,.0f} msg/s "
            f"peak={result['peak_mib']:.1f} MiB trace_records={result['records']:,}"
        )


if __name__ == "__main__":
    main()
