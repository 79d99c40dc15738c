"""acks1-failover-loss: acks=1 loses acknowledged payments when the partition leader dies.

Setup: a three-broker cluster (``kafka-1:9092`` .. ``kafka-3:9092``), topic ``payments``
with one partition and replication factor 3. ``ledger`` reads the topic; from t=4 s
``payments-api`` sends a payment every 40 ms for 1.2 s with ``acks=1``. Fault plan: at a
seeded moment between t=4.2 s and t=4.6 s the leader's broker loses its network to the
followers (the producer still reaches it); 0.5 s later it crashes; 20 s later the network
heals and it restarts. The fix uses ``acks=all`` and ``min.insync.replicas=2``.
"""

from __future__ import annotations

from mqsim import confluent_kafka
from mqsim.kafka import KafkaCluster
from mqsim.labs.base import Lab
from mqsim.labs.kafka._common import run
from mqsim.labs.registry import register
from mqsim.sim import World, crash, heal, partition, restart

PAYMENTS = 30
START = 4.0
BROKERS = "kafka-1:9092,kafka-2:9092,kafka-3:9092"
END = 60.0


def _scenario(world: World, fix: bool) -> None:
    cluster = KafkaCluster(world, brokers=3)
    config = {"min.insync.replicas": 2} if fix else {}
    cluster.create_topic("payments", 1, 3, config=config)
    leader = cluster.brokers[cluster.partition("payments", 0).leader].name
    followers = [b.name for b in cluster.brokers.values() if b.name != leader]
    cut_at = START + world.rng.uniform(0.2, 0.6)

    def payments_api() -> None:
        producer = confluent_kafka.Producer(
            {
                "bootstrap.servers": BROKERS,
                "client.id": "payments-api",
                "acks": "all" if fix else "1",
            }
        )
        world.sleep(START)  # the shop opens once the ledger is up
        for i in range(PAYMENTS):
            producer.produce("payments", key=f"customer-{i % 10}", value=f"payment-{i}")
            world.sleep(0.04)  # the next request
            producer.poll(0)
        producer.flush(30)

    def ledger() -> None:
        consumer = confluent_kafka.Consumer(
            {
                "bootstrap.servers": BROKERS,
                "group.id": "ledger",
                "client.id": "ledger",
                "auto.offset.reset": "earliest",
            }
        )
        consumer.subscribe(["payments"])
        while True:
            consumer.poll(1.0)

    world.programs.spawn("payments-api", payments_api)
    world.programs.spawn("ledger", ledger)
    world.schedule(
        [
            partition(cut_at, leader, followers),
            crash(cut_at + 0.5, leader),
            heal(cut_at + 20.0),
            restart(cut_at + 20.0, leader),
        ]
    )
    run(world, END)


LAB = register(
    Lab(
        name="acks1-failover-loss",
        summary="acks=1 loses acknowledged writes on failover; acks=all + min ISR 2 keeps them",
        system="kafka",
        scenario=_scenario,
        mistake=(
            "payments-api produces with 'acks': '1' to a topic with replication factor 3 "
            "(min.insync.replicas=1, the broker default); the leader's broker crashes."
        ),
        fix=(
            "'acks': 'all' on the producer (librdkafka's default; enable.idempotence=true "
            "implies it) and min.insync.replicas=2 on the topic (or broker), with "
            "replication factor 3."
        ),
        explanation=(
            "With acks=1 the leader answers as soon as the record is in its own log, before "
            "any follower has copied it. Cut off from its followers (they stay in the ISR "
            "until replica.lag.time.max.ms, 30 s), the leader keeps acknowledging payments "
            "only it has. When its broker dies, the controller makes an in-sync follower the "
            "new leader (after broker.session.timeout.ms, 9 s); new payments are written at "
            "the offsets the lost ones had, and when the old broker returns as a follower it "
            "truncates its log to the new leader's. Acknowledged payments are gone and nobody "
            "was told. acks=all makes the leader answer only when every in-sync replica has "
            "the record (the high watermark passed it), and min.insync.replicas=2 refuses "
            "writes (NOT_ENOUGH_REPLICAS, retried by the producer) once fewer than two "
            "replicas are in sync: an acknowledged record is always on a replica that can "
            "become leader. The cost is latency and, during the outage, unavailability."
        ),
        look_at=(
            "The network partition, then the CRASH: every payment written in between was "
            "confirmed to the producer (msg.confirm ok) and exists only on the old leader. "
            "9 s later kafka.leader names a new leader, and msg.drop 'truncated' removes "
            "exactly those payments (the old leader's log is cut back to the new leader's): "
            "lost, confirmed and never read. With acks=all those payments were never "
            "confirmed; retries write them to the new leader (reordered: see "
            "retry-duplicates)."
        ),
        anomalies=("lost",),
        story=(
            "net.partition",
            "net.heal",
            "fault.crash",
            "fault.restart",
            "kafka.leader",
            "msg.confirm",
            "msg.drop",
        ),
        horizon="90s",
    )
)
