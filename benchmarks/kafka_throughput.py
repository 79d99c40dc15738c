"""Kafka end-to-end throughput: 1 producer, a 12-partition topic, one group of 3 consumers.

Run: ``python benchmarks/kafka_throughput.py --records 5000000 --trace off`` (and
``--trace full``). Prints records per wall-second end to end (produce + deliver +
consume), records per CPU-second of this process (the same on an idle machine; on a busy
one the wall rate also counts time spent waiting for a core) and the peak resident memory.
Uses the confluent-kafka facade: ``produce(topic, value, key)`` per record with ``str``
keys (1,000 distinct), ``consume(num_messages=100000)`` per consumer, records counted.
"""

from __future__ import annotations

import argparse
import gc
import resource
import time
from itertools import cycle, islice

from mqsim import World
from mqsim.clients.default import using
from mqsim.confluent_kafka import Consumer, Producer
from mqsim.kafka import KafkaCluster


def run(records: int, trace: str) -> dict[str, float]:
    """Produce ``records`` and consume them all; wall seconds and counts."""
    world = World(seed=1, trace=trace, until="1h")
    cluster = KafkaCluster(world, brokers=1, config={"group.initial.rebalance.delay.ms": 0})
    cluster.create_topic("bench", 12)
    bootstrap = cluster.brokers[1].name
    value = b"x" * 100
    with using(world):
        consumers = [
            Consumer(
                {
                    "bootstrap.servers": bootstrap,
                    "group.id": "bench",
                    "auto.offset.reset": "earliest",
                    "enable.partition.eof": False,
                }
            )
            for _ in range(3)
        ]
        for consumer in consumers:
            consumer.subscribe(["bench"])
        for _ in range(10):
            for consumer in consumers:
                consumer.poll(0.1)
        producer = Producer(
            {
                "bootstrap.servers": bootstrap,
                "linger.ms": 5,
                "queue.buffering.max.messages": 2_000_000,
                "batch.num.messages": 10000,
            }
        )
        cycled = cycle([str(i) for i in range(1000)])
        start = time.perf_counter()
        cpu_start = time.process_time()
        produce = producer.produce
        consumed = 0
        chunk = 100_000
        sent = 0
        while sent < records:
            n = min(chunk, records - sent)
            for key in islice(cycled, n):
                produce("bench", value, key)
            sent += n
            producer.poll(0)
            for consumer in consumers:
                consumed += len(consumer.consume(100_000, 0))
        producer.flush()
        while consumed < records:
            for consumer in consumers:
                consumed += len(consumer.consume(100_000, 0.05))
        wall = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "records": records,
        "consumed": consumed,
        "wall": wall,
        "rate": records / wall,
        "cpu_rate": records / cpu,
        "peak_mb": peak_mb,
        "sim_seconds": world.now,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=5_000_000)
    parser.add_argument("--trace", choices=["off", "counters", "full"], default="off")
    parser.add_argument(
        "--no-gc", action="store_true", help="disable Python's cyclic GC during the run"
    )
    args = parser.parse_args()
    if args.no_gc:
        gc.disable()
    result = run(args.records, args.trace)
    print(
        f"trace={args.trace} records={result['records']:,} consumed={result['consumed']:,} "
        f"wall={result['wall']:.2f}s rate={result['rate']:,.0f} records/s "
        f"cpu_rate={result['cpu_rate']:,.0f} records/cpu-s "
        f"peak_rss={result['peak_mb']:.0f} MiB sim_time={result['sim_seconds']:.3f}s"
        f"{' gc=off' if args.no_gc else ''}"
    )


if __name__ == "__main__":
    main()
