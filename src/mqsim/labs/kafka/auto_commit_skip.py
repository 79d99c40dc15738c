"""auto-commit-skip: auto-commit commits a batch before it is processed; a crash skips the rest.

Setup: ``checkout`` writes 30 payments to ``payments`` (one partition); ``billing`` reads
them in batches (``consume(10, 1.0)``) with librdkafka's defaults and takes 0.5 s to charge
each card. Fault plan: billing is killed (``kill -9``) at a seeded moment between 0.25 s
and 2.75 s after its first auto-commit (t=5 s), and restarted at once in the same group.
The fix stores each offset only after the payment is charged.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from mqsim import confluent_kafka
from mqsim.check import Report
from mqsim.labs.base import Lab
from mqsim.labs.kafka._common import (
    BOOTSTRAP,
    Ledger,
    create_topic,
    kill,
    processed_by,
    published,
    run,
    with_totals,
)
from mqsim.labs.registry import register
from mqsim.sim import TraceRecord, World

PAYMENTS = 30
CHARGE_SECONDS = 0.5
FIRST_AUTO_COMMIT = 5.0
END = 120.0


def _scenario(world: World, fix: bool) -> None:
    ledger = Ledger(world)
    crash_at = FIRST_AUTO_COMMIT + world.rng.uniform(0.25, 2.75)
    create_topic("payments", 1)

    def checkout() -> None:
        producer = confluent_kafka.Producer(
            {"bootstrap.servers": BOOTSTRAP, "client.id": "checkout"}
        )
        for i in range(PAYMENTS):
            producer.produce("payments", key=f"customer-{i % 5}", value=f"payment-{i}")
        producer.flush(10)

    def billing(instance: str) -> None:
        conf: dict[str, object] = {
            "bootstrap.servers": BOOTSTRAP,
            "group.id": "billing",
            "client.id": "billing",
            "auto.offset.reset": "earliest",
        }
        if fix:
            conf["enable.auto.offset.store"] = False
        consumer = confluent_kafka.Consumer(conf)
        consumer.subscribe(["payments"])
        while True:
            for msg in consumer.consume(num_messages=10, timeout=1.0):
                if msg.error():
                    continue
                world.sleep(CHARGE_SECONDS)  # charge the card
                ledger.processed(instance, msg)
                if fix:
                    consumer.store_offsets(msg)

    world.programs.spawn("checkout", checkout)
    first = world.programs.spawn("billing", partial(billing, "billing"))

    def crash_and_restart() -> None:
        kill(world, first)
        world.programs.spawn("billing-2", partial(billing, "billing-2"))

    world.call_at(crash_at, crash_and_restart)
    run(world, END)


def _measure(report: Report, records: tuple[TraceRecord, ...]) -> Mapping[str, int]:
    done = {msg for ids in processed_by(records).values() for msg in ids}
    never = [r.msg for r in published(records) if r.msg not in done]
    return with_totals(report, {"never_processed": len(never)})


LAB = register(
    Lab(
        name="auto-commit-skip",
        summary="auto-commit commits a batch before it is processed; a crash skips the rest",
        system="kafka",
        scenario=_scenario,
        mistake=(
            "billing reads payments in batches with librdkafka's defaults "
            "(enable.auto.commit=true, enable.auto.offset.store=true, "
            "auto.commit.interval.ms=5000) and is killed mid-batch."
        ),
        fix=(
            "'enable.auto.offset.store': False and consumer.store_offsets(msg) after each "
            "payment is charged, so auto-commit only commits finished work (or "
            "'enable.auto.commit': False and consumer.commit(msg) after processing)."
        ),
        explanation=(
            "librdkafka stores a record's offset + 1 the moment poll()/consume() hands it "
            "to the application (enable.auto.offset.store=true), and a background thread "
            "commits the stored offsets every auto.commit.interval.ms (5 s) whether or not "
            "the application has finished with them. consume(10) stores all ten at once, so "
            "the commit at t=5 s covers the whole batch while billing is still charging its "
            "fifth payment. Killed a moment later, billing never finishes the batch, and its "
            "replacement starts at the committed offset, after the batch: those payments are "
            "never charged and no error is raised anywhere. The checker counts them as "
            "consumed (poll returned them); only the service's own records show the gap. "
            "The fix moves the commit behind the work: the replacement then re-reads the "
            "payments that were received but not finished, and charges one or two twice "
            "(at-least-once: make charging idempotent)."
        ),
        look_at=(
            "The kafka.commit at t=5 s (offset 10) while app.processed has only reached "
            "offset 3; the CRASH; billing-2 is assigned payments/0 only after "
            "session.timeout.ms (45 s) and starts at offset 10. With the fix the commits "
            "trail app.processed and billing-2 starts at the first unfinished payment."
        ),
        anomalies=("never_processed",),
        story=("fault.crash", "kafka.assign", "kafka.commit", "app.processed"),
        horizon="150s",
        measure=_measure,
    )
)
