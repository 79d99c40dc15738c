"""retention-loss: retention deletes records a lagging consumer group has not read yet.

Setup: ``audit-events`` has one partition, small segments (``segment.bytes=512``, so that
segments roll as they would on a busy topic) and, to save disk, ``retention.ms`` of two
minutes. ``orders-api`` writes an audit event every 20 s for 11 minutes; ``auditor`` (group
``audit``) reads them. Fault plan: auditor is killed at t=10 s and, after a broken
deploy, comes back only at t=11 min. The fix keeps a retention longer than any outage the
consumers must survive (Kafka's default is 7 days).
"""

from __future__ import annotations

from mqsim import confluent_kafka
from mqsim.labs.base import Lab
from mqsim.labs.kafka._common import BOOTSTRAP, create_topic, kill, run, spawn_at
from mqsim.labs.registry import register
from mqsim.sim import World

EVENTS = 33
EVERY = 20.0
SHORT_RETENTION_MS = 120_000
DEFAULT_RETENTION_MS = 604_800_000
KILLED_AT = 10.0
BACK_AT = 660.0
END = 700.0


def _scenario(world: World, fix: bool) -> None:
    retention = DEFAULT_RETENTION_MS if fix else SHORT_RETENTION_MS
    # Small segments stand for a busy topic's 1 GiB ones: only closed segments are deleted.
    create_topic("audit-events", 1, config={"retention.ms": retention, "segment.bytes": 512})

    def orders_api() -> None:
        producer = confluent_kafka.Producer(
            {"bootstrap.servers": BOOTSTRAP, "client.id": "orders-api"}
        )
        for i in range(EVENTS):
            producer.produce("audit-events", key=f"order-{i}", value=f"order-{i} created")
            producer.flush(1)
            world.sleep(EVERY)

    def auditor() -> None:
        consumer = confluent_kafka.Consumer(
            {
                "bootstrap.servers": BOOTSTRAP,
                "group.id": "audit",
                "client.id": "auditor",
                "auto.offset.reset": "earliest",
            }
        )
        consumer.subscribe(["audit-events"])
        while True:
            consumer.poll(1.0)

    world.programs.spawn("orders-api", orders_api)
    first = world.programs.spawn("auditor", auditor)
    world.call_at(KILLED_AT, kill, world, first)
    spawn_at(world, BACK_AT, "auditor", auditor)
    run(world, END)


LAB = register(
    Lab(
        name="retention-loss",
        summary="retention deletes records a lagging consumer group never read",
        system="kafka",
        scenario=_scenario,
        mistake=(
            "audit-events is created with retention.ms=120000 (2 minutes) to save disk; the "
            "audit consumer group is down for 11 minutes."
        ),
        fix=(
            "Keep retention longer than the longest consumer outage you must survive "
            "(Kafka's default log.retention.ms is 7 days; size disks for it), and alert on "
            "consumer lag long before it approaches the retention time."
        ),
        explanation=(
            "Kafka deletes log segments by age (retention.ms) or size (retention.bytes), "
            "checked every log.retention.check.interval.ms (5 min), whether or not any "
            "consumer group has read them: a topic is not a queue, and committed offsets do "
            "not hold data back. When the auditor returns, its committed offset points "
            "below the log start offset; the fetch fails with OFFSET_OUT_OF_RANGE and "
            "auto.offset.reset=earliest moves it to the oldest record still there. "
            "Everything in between was deleted unread: the checker reports it lost (gone "
            "from the log by retention, never read by group 'audit'). With "
            "auto.offset.reset=latest it would skip even more."
        ),
        look_at=(
            "The auditor's CRASH at t=10 s, msg.drop 'retention' at the retention checks "
            "(t=300 s and t=600 s), and the new auditor's first records after t=660 s: "
            "offsets jump past the deleted ones. With the fix nothing is dropped and the "
            "auditor catches up from its committed offset."
        ),
        anomalies=("lost",),
        story=("fault.crash", "kafka.assign", "kafka.commit", "msg.drop"),
        horizon="750s",
    )
)
