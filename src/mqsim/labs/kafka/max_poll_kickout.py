"""max-poll-kickout: a job slower than max.poll.interval.ms gets its consumer kicked out.

Setup: ``scheduler`` writes 20 report jobs to ``reports`` (two partitions); job 7 is the
year-end report and takes 6 minutes, the others 1 s. Two ``reporting`` instances share the
work, at-least-once (``enable.auto.offset.store=false``, ``store_offsets()`` after each
job). No fault: the slow job is the fault. The fix raises ``max.poll.interval.ms`` above
the slowest job.
"""

from __future__ import annotations

from contextlib import suppress
from functools import partial

from mqsim import confluent_kafka
from mqsim.confluent_kafka import KafkaException
from mqsim.labs.base import Lab
from mqsim.labs.kafka._common import BOOTSTRAP, Ledger, create_topic, run
from mqsim.labs.registry import register
from mqsim.sim import World

JOBS = 20
SLOW_JOB = 7
SLOW_SECONDS = 360.0
END = 400.0


def _scenario(world: World, fix: bool) -> None:
    ledger = Ledger(world)
    create_topic("reports", 2)

    def scheduler() -> None:
        producer = confluent_kafka.Producer(
            {"bootstrap.servers": BOOTSTRAP, "client.id": "scheduler"}
        )
        for i in range(JOBS):
            name = "year-end" if i == SLOW_JOB else f"daily-{i}"
            producer.produce("reports", key=f"job-{i}", value=name)
        producer.flush(10)

    def reporting(instance: str) -> None:
        conf: dict[str, object] = {
            "bootstrap.servers": BOOTSTRAP,
            "group.id": "reporting",
            "client.id": instance,
            "auto.offset.reset": "earliest",
            "enable.auto.offset.store": False,
        }
        if fix:
            conf["max.poll.interval.ms"] = 900000  # 15 min: above the slowest job
        consumer = confluent_kafka.Consumer(conf)
        consumer.subscribe(["reports"])
        while True:
            msg = consumer.poll(1.0)
            if msg is None or msg.error():
                continue
            slow = msg.value() == b"year-end"
            world.sleep(SLOW_SECONDS if slow else 1.0)  # build the report
            ledger.processed(instance, msg)
            with suppress(KafkaException):  # lost meanwhile: its next owner redoes the job
                consumer.store_offsets(msg)

    world.programs.spawn("scheduler", scheduler)
    for n in (1, 2):
        world.programs.spawn(f"reporting-{n}", partial(reporting, f"reporting-{n}"))
    run(world, END)


LAB = register(
    Lab(
        name="max-poll-kickout",
        summary="a job longer than max.poll.interval.ms: the consumer is kicked out, job redone",
        system="kafka",
        scenario=_scenario,
        mistake=(
            "reporting keeps librdkafka's max.poll.interval.ms=300000 (5 min) and one job "
            "takes 6 minutes between two poll() calls."
        ),
        fix=(
            "Set max.poll.interval.ms above the slowest job ('max.poll.interval.ms': 900000), "
            "or keep calling poll() while the job runs (pause() the partitions, run the job "
            "in a worker thread, resume() when it is done)."
        ),
        explanation=(
            "librdkafka's background thread keeps heartbeating, so the broker thinks the "
            "member is alive; but if the application does not call poll() for "
            "max.poll.interval.ms, librdkafka assumes it is stuck, leaves the group and "
            "reports 'Application maximum poll interval (300000ms) exceeded' at the next "
            "poll. The group rebalances, and the other instance takes over the partition at "
            "the last committed offset, before the slow job, and starts the year-end report "
            "again. The job is just as slow there, so that instance is kicked out in turn "
            "5 minutes later, and so on: every round redoes the slow job, the group "
            "rebalances every few minutes and the partition makes no progress. With enough "
            "max.poll.interval.ms the job runs once."
        ),
        look_at=(
            "At t=306 s, 300 s after reporting-1's last poll, the group rebalances without "
            "it and reporting-2 takes reports/0 from the committed offset: it receives the "
            "year-end job again (duplicated). reporting-1 learns it was kicked out "
            "(_MAX_POLL_EXCEEDED, kafka.lost) only when it polls again after the job. With "
            "the fix the only rebalance is the first one."
        ),
        anomalies=("duplicated",),
        story=(
            "kafka.rebalance",
            "kafka.assign",
            "kafka.revoke",
            "kafka.lost",
            "app.processed",
        ),
        horizon="450s",
    )
)
