"""hot-key-lag: one hot key sends most records to one partition; its consumer falls behind.

Setup: ``web`` writes 30 likes a second for 10 s to ``likes`` (four partitions), keyed by
the post; 70% are for one viral post. Four ``trending`` instances count them (0.1 s a
like: each can do 10 a second, 40 together). No fault: the key choice is the fault. The fix
keys each like by the user who liked it (many distinct keys).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from mqsim import confluent_kafka
from mqsim.check import Report
from mqsim.labs.base import Lab
from mqsim.labs.kafka._common import BOOTSTRAP, Ledger, create_topic, run, with_totals
from mqsim.labs.registry import register
from mqsim.sim import TraceRecord, World
from mqsim.viz import depth_series

LIKES = 300
RATE = 30.0
HOT_SHARE = 0.7
LAG_LIMIT = 50
END = 30.0


def _scenario(world: World, fix: bool) -> None:
    ledger = Ledger(world)
    create_topic("likes", 4)
    rng = world.rng

    def web() -> None:
        producer = confluent_kafka.Producer({"bootstrap.servers": BOOTSTRAP, "client.id": "web"})
        world.sleep(4.0)  # the counters are up
        for _ in range(LIKES):
            post = "viral-post" if rng.random() < HOT_SHARE else f"post-{rng.randrange(50)}"
            user = f"user-{rng.randrange(10000)}"
            producer.produce("likes", key=user if fix else post, value=f"{user} likes {post}")
            world.sleep(1.0 / RATE)  # the next like
            producer.poll(0)
        producer.flush(10)

    def trending(instance: str) -> None:
        consumer = confluent_kafka.Consumer(
            {
                "bootstrap.servers": BOOTSTRAP,
                "group.id": "trending",
                "client.id": instance,
                "auto.offset.reset": "earliest",
            }
        )
        consumer.subscribe(["likes"])
        while True:
            msg = consumer.poll(1.0)
            if msg is None or msg.error():
                continue
            world.sleep(0.1)  # update the counters
            ledger.processed(instance, msg)

    world.programs.spawn("web", web)
    for n in range(1, 5):
        world.programs.spawn(f"trending-{n}", partial(trending, f"trending-{n}"))
    run(world, END)


def peak_lags(records: tuple[TraceRecord, ...], group: str = "trending") -> dict[str, int]:
    """Per partition, the highest lag of ``group`` (as :func:`mqsim.viz.depth_series` has it)."""
    prefix = f"lag {group} "
    return {
        name[len(prefix) :]: max(value for _time, value in points)
        for name, points in sorted(depth_series(records).items())
        if name.startswith(prefix)
    }


def _measure(report: Report, records: tuple[TraceRecord, ...]) -> Mapping[str, int]:
    lagging = sum(1 for peak in peak_lags(records).values() if peak > LAG_LIMIT)
    return with_totals(report, {"lagging_partitions": lagging})


LAB = register(
    Lab(
        name="hot-key-lag",
        summary="a hot key piles most records onto one partition; its consumer lags behind",
        system="kafka",
        scenario=_scenario,
        mistake=(
            "web keys every like by the post (key=post) and one post is viral: 70% of the "
            "likes carry the same key."
        ),
        fix=(
            "Key by something with many values that spreads evenly and still gives the "
            "order you need: here the user (key=user), since counting likes needs no "
            "per-post order. If a key must stay, split the hot one (post + '#' + n) and "
            "merge downstream."
        ),
        explanation=(
            "The partitioner hashes the key (librdkafka: consistent_random, CRC32 of the "
            "key modulo the partition count), so every record with the same key goes to "
            "the same partition, and a partition is read by one consumer of the group. "
            "One viral post therefore sends over 21 likes a second to one partition whose "
            "consumer manages 10: its lag grows by more than 11 a second while the other "
            "three consumers idle. More consumers or partitions do not help (the key still "
            "maps to one partition); only a key with more distinct, evenly used values does. "
            "Consumer lag per partition (kafka-consumer-groups --describe) is how you see "
            "it in production."
        ),
        look_at=(
            "The checker is content: nothing is lost, only late. lagging_partitions counts "
            "partitions whose consumer lag passed 50 records (the viral post's partition "
            "passes 100); --plot draws the lag of each partition. With key=user all four "
            "stay within a few records."
        ),
        anomalies=("lagging_partitions",),
        story=("kafka.assign",),
        horizon="60s",
        measure=_measure,
    )
)
