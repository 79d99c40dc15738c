"""AMQP throughput: publish -> route -> deliver -> ack through one queue, prefetch 100.

Run: ``python benchmarks/amqp_throughput.py [--messages 1000000] [--trace off|counters|full]
[--ack each|single|multiple] [--repeat N] [--tracemalloc]``

Uses the model's client protocol engine (:class:`mqsim.amqp.ClientConnection`), the
layer the pika facade is built on, with zero network latency. The publisher hands the
broker batches of 1000 messages (``publish_many``: what one socket write would carry);
the broker delivers up to the prefetch window at one simulated instant. The consumer acks
each delivery with its own ``basic.ack`` (multiple=False): ``--ack each`` writes the acks
for the deliveries it just handled in one go (``ack_many``: one network hop for the
batch of ack frames, as one socket write), ``--ack single`` sends each ack on its own
(one hop per frame); ``--ack multiple`` sends one ``multiple=True`` ack per batch.
Reports messages per wall-clock second (and per CPU second of the process, less
disturbed by other load on the machine) and peak memory (max RSS of the process, or the
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
    send_acks = channel.ack_many
    each = ack == "each"
    single = ack == "single"
    consumed = 0
    sent = 0
    if measure:
        tracemalloc.start()
    start = time.perf_counter()
    cpu_start = time.process_time()
    while consumed < messages:
        chunk = min(batch, messages - sent)
        if chunk:
            publish_many("", "jobs", bodies[:chunk] if chunk < batch else bodies)
            sent += chunk
        while inbox:
            if each:
                tags = [frame[3] for frame in inbox]
                consumed += len(tags)
                inbox.clear()
                send_acks(tags)
            elif single:
                frame = inbox.popleft()
                consumed += 1
                send_ack(frame[3], False)
            else:
                last = inbox[-1][3]
                consumed += len(inbox)
                inbox.clear()
                send_ack(last, True)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
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
        "cpu_rate": consumed / cpu,
        "tracemalloc_mib": peak,
        "maxrss_mib": rss,
        "records": len(world.trace),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="AMQP publish/deliver/ack throughput")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--trace", action="append", choices=["off", "counters", "full"])
    parser.add_argument("--ack", choices=["each", "single", "multiple"], default="each")
    parser.add_argument("--repeat", type=int, default=1, help="runs per level; the best is shown")
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args()
    for level in args.trace or ["off", "full"]:
        runs = [
            run(args.messages, level, ack=args.ack, measure=args.tracemalloc)
            for _ in range(max(1, args.repeat))
        ]
        r = max(runs, key=lambda one: one["rate"])
        print(
            f"trace={level:8s} ack={args.ack:8s} messages={r['messages']:,} "
            f"time={r['seconds']:.2f}s rate={r['rate']:,.0f} msg/s "
            f"(cpu {r['cpu_rate']:,.0f} msg/s) maxrss={r['maxrss_mib']:.0f} MiB "
            f"tracemalloc_peak={r['tracemalloc_mib']:.1f} MiB trace_records={r['records']:,}"
        )


if __name__ == "__main__":
    main()
