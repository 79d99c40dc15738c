"""rebalance-redelivery: offsets committed only every 50 orders; a rebalance redoes the rest.

Setup: ``shop`` writes 60 orders to ``orders`` (two partitions). ``fulfilment-1`` handles
them (0.2 s each) with ``enable.auto.commit=false`` and commits synchronously after every
50 orders, after processing: at-least-once. Fault plan (an ordinary event, not a failure):
a second instance, ``fulfilment-2``, starts at a seeded moment between t=5 s and t=9 s,
and the group rebalances. The fix commits what was processed in the ``on_revoke``
callback, before the partitions are handed over.
"""

from __future__ import annotations

from functools import partial

from mqsim import confluent_kafka
from mqsim.confluent_kafka import KafkaError, KafkaException
from mqsim.labs.base import Lab
from mqsim.labs.kafka._common import BOOTSTRAP, Ledger, create_topic, run, spawn_at
from mqsim.labs.registry import register
from mqsim.sim import World

ORDERS = 60
COMMIT_EVERY = 50
WORK_SECONDS = 0.2
END = 60.0


def _scenario(world: World, fix: bool) -> None:
    ledger = Ledger(world)
    scale_out_at = world.rng.uniform(5.0, 9.0)
    create_topic("orders", 2)

    def shop() -> None:
        producer = confluent_kafka.Producer({"bootstrap.servers": BOOTSTRAP, "client.id": "shop"})
        for i in range(ORDERS):
            producer.produce("orders", key=f"order-{i}", value=f"order-{i}")
        producer.flush(10)

    def commit_processed(consumer: confluent_kafka.Consumer, _partitions: list[object]) -> None:
        """on_revoke: commit the offsets of everything processed so far, synchronously."""
        try:
            consumer.commit(asynchronous=False)
        except KafkaException as problem:
            if problem.args[0].code() != KafkaError._NO_OFFSET:
                raise

    def fulfilment(instance: str) -> None:
        consumer = confluent_kafka.Consumer(
            {
                "bootstrap.servers": BOOTSTRAP,
                "group.id": "fulfilment",
                "client.id": instance,
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
            }
        )
        if fix:
            consumer.subscribe(["orders"], on_revoke=commit_processed)
        else:
            consumer.subscribe(["orders"])
        done = 0
        while True:
            msg = consumer.poll(1.0)
            if msg is None or msg.error():
                continue
            world.sleep(WORK_SECONDS)  # pack and ship the order
            ledger.processed(instance, msg)
            done += 1
            if done % COMMIT_EVERY == 0:
                consumer.commit(asynchronous=False)

    world.programs.spawn("shop", shop)
    world.programs.spawn("fulfilment-1", partial(fulfilment, "fulfilment-1"))
    spawn_at(world, scale_out_at, "fulfilment-2", partial(fulfilment, "fulfilment-2"))
    run(world, END)


LAB = register(
    Lab(
        name="rebalance-redelivery",
        summary="commit after processing is at-least-once: a rebalance redelivers the uncommitted",
        system="kafka",
        scenario=_scenario,
        mistake=(
            "fulfilment commits after processing but only every 50 orders "
            "('enable.auto.commit': False, consumer.commit() every 50) and does nothing when "
            "its partitions are revoked; a second instance joins the group."
        ),
        fix=(
            "Commit in the revoke callback: consumer.subscribe(['orders'], "
            "on_revoke=lambda c, ps: c.commit(asynchronous=False)) (ignoring _NO_OFFSET), so "
            "the next owner starts after the last processed order. Crashes still redeliver: "
            "make processing idempotent."
        ),
        explanation=(
            "A consumer group hands each partition to one member; when a member joins or "
            "leaves, the group rebalances and the new owner of a partition starts at the "
            "group's committed offset. With the classic (eager) protocol every member revokes "
            "all its partitions (on_revoke runs inside poll()) and rejoins. Everything "
            "processed since the last commit is invisible to the next owner, so it is "
            "processed again: commit-after-processing gives at-least-once delivery, never "
            "exactly-once. Committing synchronously in on_revoke closes the gap for an orderly "
            "rebalance (librdkafka calls it before the partitions are given away, and with "
            "enable.auto.commit=true it commits the stored offsets there itself); after a "
            "crash nothing can be committed, so the consumer must also tolerate duplicates "
            "(idempotent processing, or a processed-ids table)."
        ),
        look_at=(
            "fulfilment-2 starting; kafka.revoke at fulfilment-1 with no kafka.commit right "
            "before it; after the new assignment both instances start again at the last "
            "committed offsets, and the orders processed since are processed again "
            "(duplicated: the checker lists them). With the fix a kafka.commit comes with "
            "the revoke and the new owners start after the last processed order."
        ),
        anomalies=("duplicated",),
        story=(
            "node.add",
            "kafka.assign",
            "kafka.revoke",
            "kafka.commit",
            "kafka.rebalance",
        ),
        horizon="90s",
    )
)
