"""eager-vs-cooperative: an eager rebalance stops every partition, cooperative only the moved.

Setup: ``web`` writes a click every 100 ms for 20 s to ``clicks`` (six partitions, keyed by
user); two ``analytics`` instances read them with librdkafka's default assignment
strategy (``range,roundrobin``: the eager protocol) and spend 50 to 250 ms (seeded) updating
the dashboard for each click. Every service is 2 ms from the broker. Fault plan (an ordinary
event): a third instance starts at a seeded moment between t=8 s and t=12 s. The fix uses
``partition.assignment.strategy=cooperative-sticky``.
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
    run,
    spawn_at,
    with_totals,
)
from mqsim.labs.registry import register
from mqsim.sim import TraceRecord, World

CLICKS = 200
USERS = 12
END = 25.0
#: One way between a service and the broker (same data centre).
LATENCY = 0.002
#: How long updating the dashboard takes for one click (seconds, low and high).
WORK = (0.05, 0.25)
INSTANCES = ("analytics-1", "analytics-2", "analytics-3")


def _scenario(world: World, fix: bool) -> None:
    ledger = Ledger(world)
    scale_out_at = world.rng.uniform(8.0, 12.0)
    for client in ("web", *INSTANCES):
        world.net.configure(client, BOOTSTRAP, latency=LATENCY)
    create_topic("clicks", 6)

    def web() -> None:
        producer = confluent_kafka.Producer({"bootstrap.servers": BOOTSTRAP, "client.id": "web"})
        for i in range(CLICKS):
            producer.produce("clicks", key=f"user-{i % USERS}", value=f"click-{i}")
            world.sleep(0.1)  # the next click
            producer.poll(0)
        producer.flush(10)

    def analytics(instance: str) -> None:
        conf: dict[str, object] = {
            "bootstrap.servers": BOOTSTRAP,
            "group.id": "analytics",
            "client.id": instance,
            "auto.offset.reset": "earliest",
        }
        if fix:
            conf["partition.assignment.strategy"] = "cooperative-sticky"
        consumer = confluent_kafka.Consumer(conf)
        consumer.subscribe(["clicks"])
        while True:
            msg = consumer.poll(1.0)
            if msg is None or msg.error():
                continue
            world.sleep(world.rng.uniform(*WORK))  # update the dashboard
            ledger.processed(instance, msg)

    world.programs.spawn("web", web)
    for n in (1, 2):
        world.programs.spawn(f"analytics-{n}", partial(analytics, f"analytics-{n}"))
    spawn_at(world, scale_out_at, "analytics-3", partial(analytics, "analytics-3"))
    run(world, END)


def needless_stops(records: tuple[TraceRecord, ...]) -> tuple[int, int]:
    """Partitions revoked from a consumer that got them back, and how long they stood (ms).

    A partition that stays with its consumer across a rebalance need not stop; the eager
    protocol stops it anyway (revoke everything, rejoin, get it back). It stands unowned,
    so unconsumed, from its ``kafka.revoke`` to the ``kafka.assign`` that hands it back:
    the JoinGroup barrier waits for every member, and a member busy with a record only
    rejoins at its next ``poll()``.
    """
    revoked_at: dict[tuple[str, str], float] = {}
    stops = 0
    stood = 0.0
    for record in records:
        if record.kind in ("kafka.revoke", "kafka.lost"):
            for where in record.get("partitions") or ():
                revoked_at[(record.actor, str(where))] = record.time
        elif record.kind == "kafka.assign":
            for where in record.get("partitions") or ():
                since = revoked_at.pop((record.actor, str(where)), None)
                if since is not None:
                    stops += 1
                    stood += record.time - since
    return stops, round(stood * 1000)


def _measure(report: Report, records: tuple[TraceRecord, ...]) -> Mapping[str, int]:
    stops, stood_ms = needless_stops(records)
    return with_totals(report, {"needless_stops": stops, "stopped_ms": stood_ms})


LAB = register(
    Lab(
        name="eager-vs-cooperative",
        summary="an eager rebalance stops every partition; cooperative-sticky only the moved ones",
        system="kafka",
        scenario=_scenario,
        mistake=(
            "analytics uses librdkafka's default partition.assignment.strategy "
            "('range,roundrobin', the eager protocol) and scales out from two to three "
            "instances while clicks keep coming."
        ),
        fix=(
            "'partition.assignment.strategy': 'cooperative-sticky' on every member (KIP-429 "
            "incremental rebalancing); with an on_revoke/on_assign callback, use "
            "incremental_assign()/incremental_unassign()."
        ),
        explanation=(
            "In the classic eager protocol a rebalance starts with every member revoking "
            "every partition (on_revoke runs in poll()), then all rejoin and get a fresh "
            "assignment: the whole group stops consuming until the slowest member has "
            "rejoined, even for the partitions that end up with the same owner, and each "
            "member re-reads those from the committed offset. cooperative-sticky (KIP-429) "
            "keeps the current owners: the first rebalance revokes only the partitions that "
            "must move, a second one hands them to the new member, and every other "
            "partition keeps flowing. The cost of a scale-out or a rolling restart drops "
            "from 'everyone stops' to 'the moved partitions pause'."
        ),
        look_at=(
            "When analytics-3 joins: eager, kafka.revoke of all three partitions at both "
            "old members, each at its next poll() after the heartbeat that told it; the "
            "first to revoke stands idle until the other finishes its click and rejoins; "
            "then kafka.assign gives most partitions back to their old owners "
            "(needless_stops counts them, stopped_ms sums the time from their revoke to "
            "their assign). Cooperative: only the moved partitions are revoked, in a first "
            "rebalance, and msg.consume of the others goes on; a second rebalance, at the "
            "next heartbeat, assigns the moved ones to analytics-3."
        ),
        anomalies=("needless_stops", "stopped_ms"),
        story=("kafka.rebalance", "kafka.assign", "kafka.revoke"),
        horizon="40s",
        measure=_measure,
    )
)
