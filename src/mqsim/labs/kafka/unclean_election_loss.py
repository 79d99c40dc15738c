"""unclean-election-loss: an out-of-sync replica made leader throws away acknowledged orders.

Setup: a two-broker cluster (``kafka-1:9092``, ``kafka-2:9092``) with
``unclean.leader.election.enable=true``; topic ``orders`` has one partition, replication
factor 2, and the broker default ``min.insync.replicas=1``; the nightly ``billing`` job
reads it from the start at t=95 s. Fault plan: the follower's broker crashes at t=2 s
(the controller drops it from the ISR when it fences it, ``broker.session.timeout.ms``
later); from t=50 s ``shop`` writes 10 orders (``acks=all``, acknowledged by the leader
alone); at a seeded moment between t=60 s and t=62 s the leader's broker crashes; the
stale follower comes back at t=65 s, the old leader at t=90 s. The fix keeps Kafka's
default ``unclean.leader.election.enable=false``.
"""

from __future__ import annotations

from mqsim import confluent_kafka
from mqsim.kafka import KafkaCluster
from mqsim.labs.base import Lab
from mqsim.labs.kafka._common import run
from mqsim.labs.registry import register
from mqsim.sim import World, crash, restart

BROKERS = "kafka-1:9092,kafka-2:9092"
ORDERS = 10
BILLING_STARTS = 95.0
END = 120.0


def _scenario(world: World, fix: bool) -> None:
    cluster = KafkaCluster(world, brokers=2, config={"unclean.leader.election.enable": not fix})
    cluster.create_topic("orders", 1, 2)
    part = cluster.partition("orders", 0)
    leader = cluster.brokers[part.leader].name
    follower = next(b.name for b in cluster.brokers.values() if b.name != leader)
    leader_dies = world.rng.uniform(60.0, 62.0)

    def shop() -> None:
        producer = confluent_kafka.Producer(
            {"bootstrap.servers": BROKERS, "client.id": "shop", "acks": "all"}
        )
        world.sleep(50.0)
        for i in range(ORDERS):
            producer.produce("orders", key=f"order-{i}", value=f"order-{i}")
            world.sleep(0.5)
            producer.poll(0)
        producer.flush(10)

    def billing() -> None:
        world.sleep(BILLING_STARTS)  # the nightly billing run
        consumer = confluent_kafka.Consumer(
            {
                "bootstrap.servers": BROKERS,
                "group.id": "billing",
                "client.id": "billing",
                "auto.offset.reset": "earliest",
            }
        )
        consumer.subscribe(["orders"])
        while True:
            consumer.poll(1.0)

    world.programs.spawn("shop", shop)
    world.programs.spawn("billing", billing)
    world.schedule(
        [
            crash(2.0, follower),
            crash(leader_dies, leader),
            restart(65.0, follower),
            restart(90.0, leader),
        ]
    )
    run(world, END)


LAB = register(
    Lab(
        name="unclean-election-loss",
        summary="unclean leader election makes a stale replica leader and loses acknowledged data",
        system="kafka",
        scenario=_scenario,
        mistake=(
            "The cluster runs with unclean.leader.election.enable=true (and the default "
            "min.insync.replicas=1); the leader dies while the only other replica is out "
            "of sync."
        ),
        fix=(
            "Keep unclean.leader.election.enable=false (Kafka's default): the partition "
            "stays offline until an in-sync replica returns. Add min.insync.replicas=2 "
            "with RF 3 so that writes are refused instead of acknowledged by a lone leader."
        ),
        explanation=(
            "Only a replica in the ISR is guaranteed to hold every acknowledged record. The "
            "follower that crashed at t=2 s left the ISR when the controller fenced it "
            "(broker.session.timeout.ms; a live but lagging follower leaves after "
            "replica.lag.time.max.ms); with "
            "min.insync.replicas=1 the leader alone then acknowledges acks=all writes. "
            "When the leader dies too, no in-sync replica is left. With "
            "unclean.leader.election.enable=true the controller makes the stale follower "
            "leader as soon as it is back: the partition is available again, without the "
            "orders written while the follower was away, and when the old leader returns "
            "it truncates its log to the new leader's: those acknowledged orders are gone. "
            "billing, run later, never sees them. With the default false the partition "
            "stays offline (producers retry, consumers wait) until the old leader, which "
            "has everything, returns: durability over availability."
        ),
        look_at=(
            "The follower's CRASH (the ISR is the leader alone from then on), the orders "
            "confirmed after it, the leader's CRASH, then kafka.leader with 'unclean' naming "
            "the stale replica and msg.drop 'truncated' for the orders: lost. With the fix "
            "kafka.leader waits for "
            "the old leader (the partition has no leader meanwhile) and nothing is dropped."
        ),
        anomalies=("lost",),
        story=(
            "fault.crash",
            "fault.restart",
            "kafka.leader",
            "kafka.isr",
            "msg.drop",
        ),
        horizon="150s",
    )
)
