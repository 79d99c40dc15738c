"""idle-consumers: five consumers on three partitions; two get nothing to do.

Setup: ``shop`` writes 30 orders to ``orders`` (three partitions, keyed by order). To go
faster, the team starts five ``shipping`` instances in one group. No fault. The fix
creates the topic with at least as many partitions as the group will have consumers.
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

INSTANCES = 5
ORDERS = 30
END = 20.0


def _scenario(world: World, fix: bool) -> None:
    ledger = Ledger(world)
    create_topic("orders", 6 if fix else 3)

    def shop() -> None:
        producer = confluent_kafka.Producer({"bootstrap.servers": BOOTSTRAP, "client.id": "shop"})
        for i in range(ORDERS):
            producer.produce("orders", key=f"order-{i}", value=f"order-{i}")
        producer.flush(10)

    def shipping(instance: str) -> None:
        consumer = confluent_kafka.Consumer(
            {
                "bootstrap.servers": BOOTSTRAP,
                "group.id": "shipping",
                "client.id": instance,
                "auto.offset.reset": "earliest",
            }
        )
        consumer.subscribe(["orders"])
        while True:
            msg = consumer.poll(1.0)
            if msg is None or msg.error():
                continue
            world.sleep(0.2)  # print the shipping label
            ledger.processed(instance, msg)

    world.programs.spawn("shop", shop)
    for n in range(1, INSTANCES + 1):
        world.programs.spawn(f"shipping-{n}", partial(shipping, f"shipping-{n}"))
    run(world, END)


def idle_consumers(records: tuple[TraceRecord, ...]) -> int:
    """Group members whose latest assignment is empty."""
    latest: dict[str, list[object]] = {}
    for record in records:
        if record.kind == "kafka.assign":
            latest[record.actor] = list(record.get("partitions") or [])
    return sum(1 for partitions in latest.values() if not partitions)


def _measure(report: Report, records: tuple[TraceRecord, ...]) -> Mapping[str, int]:
    return with_totals(report, {"idle_consumers": idle_consumers(records)})


LAB = register(
    Lab(
        name="idle-consumers",
        summary="more consumers than partitions: the extra consumers sit idle",
        system="kafka",
        scenario=_scenario,
        mistake="Five shipping instances in one group read a topic with three partitions.",
        fix=(
            "Create the topic with at least as many partitions as the group will ever have "
            "consumers (here six: NewTopic('orders', num_partitions=6)); partitions are the "
            "unit of parallelism. (Adding partitions later moves keys to other partitions.)"
        ),
        explanation=(
            "Within a consumer group each partition is read by exactly one member, so a "
            "group can never use more consumers than the topic has partitions. The "
            "assignor (range, librdkafka's default partition.assignment.strategy "
            "'range,roundrobin') gives three members one partition each and the other two "
            "an empty assignment: they join, heartbeat and poll, and never receive a record. "
            "They are not useless (each is a hot standby that takes over on a rebalance), "
            "but they add no throughput. Choose the partition count for the parallelism "
            "you will need; growing it later remaps keys (hash(key) % partitions) and breaks "
            "per-key order for a while."
        ),
        look_at=(
            "The kafka.assign records: two shipping instances are assigned [] and never "
            "show an app.processed. With six partitions every instance gets one or two."
        ),
        anomalies=("idle_consumers",),
        story=("kafka.rebalance", "kafka.assign", "app.processed"),
        horizon="30s",
        measure=_measure,
    )
)
