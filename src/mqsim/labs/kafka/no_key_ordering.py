"""no-key-ordering: without a key an account's events scatter over partitions and reorder.

Setup (the tutorial's Mistake 2): ``bank-api`` writes four events per account (opened,
deposit, withdrawal, closed) for five accounts to ``account-events`` (three partitions),
one event every 20 ms, without a key. ``ledger`` (one consumer) applies them. No fault:
the partitioning alone does it. The fix sends each event with ``key=account``.
"""

from __future__ import annotations

from collections.abc import Mapping

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

ACCOUNTS = ("ali", "fatima", "ahmad", "sana", "bilal")
STEPS = ("opened", "deposit", "withdrawal", "closed")
END = 20.0


def _scenario(world: World, fix: bool) -> None:
    ledger = Ledger(world)
    create_topic("account-events", 3)

    def bank_api() -> None:
        producer = confluent_kafka.Producer(
            {"bootstrap.servers": BOOTSTRAP, "client.id": "bank-api"}
        )
        for step in STEPS:
            for account in ACCOUNTS:
                event = f"{account}:{step}"
                if fix:
                    producer.produce("account-events", key=account, value=event)
                else:
                    producer.produce("account-events", value=event)
                world.sleep(0.02)  # the next request arrives
                producer.poll(0)
        producer.flush(10)

    def ledger_service() -> None:
        consumer = confluent_kafka.Consumer(
            {
                "bootstrap.servers": BOOTSTRAP,
                "group.id": "ledger",
                "client.id": "ledger",
                "auto.offset.reset": "earliest",
            }
        )
        consumer.subscribe(["account-events"])
        while True:
            msg = consumer.poll(1.0)
            if msg is None or msg.error():
                continue
            world.sleep(0.05)  # apply the event to the account
            ledger.processed("ledger", msg)

    world.programs.spawn("bank-api", bank_api)
    world.programs.spawn("ledger", ledger_service)
    run(world, END)


def out_of_order(records: tuple[TraceRecord, ...]) -> int:
    """Events applied after a later event of the same account (one per late event)."""
    sent: dict[str, int] = {}
    account: dict[str, str] = {}
    for rank, record in enumerate(published(records)):
        body = record.get("body")
        text = body.decode() if isinstance(body, bytes) else str(body)
        if record.msg is not None:
            sent[record.msg] = rank
            account[record.msg] = text.split(":", 1)[0]
    late = 0
    newest: dict[str, int] = {}
    for ids in processed_by(records).values():
        for msg in ids:
            if msg not in sent:
                continue
            who, rank = account[msg], sent[msg]
            if rank < newest.get(who, -1):
                late += 1
            else:
                newest[who] = rank
    return late


def _measure(report: Report, records: tuple[TraceRecord, ...]) -> Mapping[str, int]:
    return with_totals(report, {"out_of_order": out_of_order(records)})


LAB = register(
    Lab(
        name="no-key-ordering",
        summary="no key means no order across partitions; a key keeps each account in order",
        system="kafka",
        scenario=_scenario,
        mistake=(
            "bank-api produces each account's events without a key to a topic with three "
            "partitions: producer.produce('account-events', value=event)."
        ),
        fix=(
            "Give every event of one account the same key: producer.produce("
            "'account-events', key=account, value=event). All of an account's events then "
            "land in one partition, in send order."
        ),
        explanation=(
            "Kafka orders records only within a partition. A record without a key goes to "
            "a partition the producer picks (librdkafka's partitioner=consistent_random "
            "sends null keys to a random 'sticky' partition that changes every "
            "sticky.partitioning.linger.ms, 10 ms), so an account's 'deposit' and "
            "'withdrawal' can sit in different partitions. The consumer fetches each "
            "partition separately and poll() hands them over batch by batch, so it applies "
            "a 'closed' before the 'deposit' that was sent first. The checker sees nothing "
            "wrong: each partition was read in offset order and there is no key whose order "
            "it could check. With key=account the partitioner hashes the key, every event of "
            "an account goes to the same partition, and one partition is read in order."
        ),
        look_at=(
            "The msg.store records: without a key one account's events land in different "
            "partitions; app.processed then applies e.g. 'ali:closed' before 'ali:deposit'. "
            "out_of_order counts events applied after a later event of the same account."
        ),
        anomalies=("out_of_order",),
        story=("msg.store", "kafka.assign", "app.processed"),
        horizon="30s",
        measure=_measure,
    )
)
