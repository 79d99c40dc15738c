"""one-group-two-services: two services sharing one group.id split the payments between them.

Setup (the tutorial's Exercise 2): ``payment-app`` writes 20 payments to ``payments`` (two
partitions, keyed by customer). ``invoice_service`` and ``ledger_service`` must each
process every payment; both copied the tutorial's consumer, ``'group.id':
'payment_group'``. No fault. The fix gives each service its own group id.
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
    processed_by,
    published,
    run,
    with_totals,
)
from mqsim.labs.registry import register
from mqsim.sim import TraceRecord, World

SERVICES = ("invoice_service", "ledger_service")
PAYMENTS = 20
END = 20.0


def _scenario(world: World, fix: bool) -> None:
    ledger = Ledger(world)
    create_topic("payments", 2)

    def payment_app() -> None:
        producer = confluent_kafka.Producer(
            {"bootstrap.servers": BOOTSTRAP, "client.id": "payment-app"}
        )
        for i in range(PAYMENTS):
            producer.produce(
                "payments", key=f"customer-{i % 10}", value=f"payment of {1000 + 250 * i} PKR"
            )
        producer.flush(10)

    def service(name: str) -> None:
        consumer = confluent_kafka.Consumer(
            {
                "bootstrap.servers": BOOTSTRAP,
                "group.id": name if fix else "payment_group",
                "client.id": name,
                "auto.offset.reset": "earliest",
            }
        )
        consumer.subscribe(["payments"])
        while True:
            msg = consumer.poll(1.0)
            if msg is None or msg.error():
                continue
            world.sleep(0.05)  # write the invoice / the ledger entry
            ledger.processed(name, msg)

    world.programs.spawn("payment-app", payment_app)
    for name in SERVICES:
        world.programs.spawn(name, partial(service, name))
    run(world, END)


def _measure(report: Report, records: tuple[TraceRecord, ...]) -> Mapping[str, int]:
    sent = [r.msg for r in published(records)]
    done = processed_by(records)
    missed = sum(1 for name in SERVICES for msg in sent if msg not in done.get(name, ()))
    return with_totals(report, {"missed_by_a_service": missed})


LAB = register(
    Lab(
        name="one-group-two-services",
        summary="two services sharing one group.id each see only some of the payments",
        system="kafka",
        scenario=_scenario,
        mistake=(
            "invoice_service and ledger_service both use the tutorial's consumer config, "
            "'group.id': 'payment_group', on a topic with two partitions."
        ),
        fix=(
            "One consumer group per service: 'group.id': 'invoice_service' and "
            "'group.id': 'ledger_service'. Each group has its own committed offsets and reads "
            "every payment; instances of one service share that service's group."
        ),
        explanation=(
            "A consumer group is one logical subscriber: Kafka gives each partition of the "
            "topic to exactly one member of the group, so the members share the work. Two "
            "different services in one group are treated as two instances of the same "
            "service: invoice_service gets payments/0, ledger_service payments/1, and each "
            "misses the other's payments. Nothing fails and the checker is content (every "
            "payment was consumed once by 'payment_group'); the bug only shows as invoices "
            "and ledger entries that are missing. Publish/subscribe in Kafka means one group "
            "per subscribing application."
        ),
        look_at=(
            "The kafka.assign records: with one group each service is assigned only one of "
            "the two partitions; app.processed by each service covers only its partition. "
            "missed_by_a_service counts (service, payment) pairs never processed."
        ),
        anomalies=("missed_by_a_service",),
        story=("kafka.rebalance", "kafka.assign", "app.processed"),
        horizon="30s",
        measure=_measure,
    )
)
