"""forgotten-ack: a consumer never acks; it stalls at its prefetch and repeats itself.

Setup: ``shop`` publishes 30 notifications to ``notifications``, one every 0.5 s;
``notifier`` consumes with manual acks (pika's default ``auto_ack=False``) and
``basic_qos(prefetch_count=5)``, sends each notification in 0.2 s, and never calls
``basic_ack``. Fault plan: the notifier is redeployed (killed and started again as
``notifier-2``) at a seeded moment between 12 s and 18 s. The fix acks each
notification after sending it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mqsim.check import Report
from mqsim.labs.base import Lab
from mqsim.labs.rabbitmq._common import (
    Ledger,
    connect,
    kill,
    processed_twice,
    run,
    with_totals,
)
from mqsim.labs.registry import register
from mqsim.sim import TraceRecord, World

NOTIFICATIONS = 30
EVERY_SECONDS = 0.5
SEND_SECONDS = 0.2
PREFETCH = 5
END = 30.0


def _scenario(world: World, fix: bool) -> None:
    ledger = Ledger(world)
    redeploy_at = world.rng.uniform(12.0, 18.0)

    def shop() -> None:
        channel = connect("shop").channel()
        channel.queue_declare(queue="notifications")
        for i in range(1, NOTIFICATIONS + 1):
            channel.basic_publish("", "notifications", f"Fatima, order {i} has shipped")
            world.sleep(EVERY_SECONDS)

    def notifier(name: str) -> None:
        channel = connect(name).channel()
        channel.queue_declare(queue="notifications")
        channel.basic_qos(prefetch_count=PREFETCH)

        def callback(ch: Any, method: Any, properties: Any, body: bytes) -> None:
            world.sleep(SEND_SECONDS)  # send the SMS
            ledger.processed(name, method.delivery_tag)
            if fix:
                ch.basic_ack(delivery_tag=method.delivery_tag)

        channel.basic_consume(queue="notifications", on_message_callback=callback)
        channel.start_consuming()

    world.programs.spawn("shop", shop)
    first = world.programs.spawn("notifier", lambda: notifier("notifier"))

    def redeploy() -> None:
        kill(world, first)
        world.programs.spawn("notifier-2", lambda: notifier("notifier-2"))

    world.call_at(redeploy_at, redeploy)
    run(world, END)


def _measure(report: Report, records: tuple[TraceRecord, ...]) -> Mapping[str, int]:
    return with_totals(report, {"sent_twice": processed_twice(records)})


LAB = register(
    Lab(
        name="forgotten-ack",
        summary="a consumer that never acks stalls at its prefetch and repeats itself "
        "after a restart",
        system="rabbitmq",
        scenario=_scenario,
        mistake=(
            "notifier consumes with manual acks (pika's default auto_ack=False) and "
            "basic_qos(prefetch_count=5), but the callback never calls basic_ack."
        ),
        fix="ch.basic_ack(delivery_tag=method.delivery_tag) at the end of the callback.",
        explanation=(
            "In manual-ack mode RabbitMQ keeps every delivered message as 'unacknowledged' "
            "until the consumer acks it, and prefetch_count caps how many unacked messages a "
            "consumer may hold. A consumer that never acks fills its window after five "
            "messages and the broker stops sending: the queue grows (messages_ready in "
            "rabbitmqctl list_queues) while the consumer looks healthy and idle. Without a "
            "prefetch limit it is worse: the broker keeps everything unacked in memory. The "
            "unacked messages come back only when the channel closes: after the redeploy "
            "notifier-2 receives the same five again (redelivered=True), sends them a second "
            "time, and stalls again. RabbitMQ's consumer_timeout (30 minutes by default, "
            "3.8.15+) would eventually close the channel with PRECONDITION_FAILED, which "
            "only turns the silence into a redelivery loop."
        ),
        look_at=(
            "Five msg.consume records, then only msg.store records: the queue fills while "
            "notifier sits at prefetch 5 with nothing acked. After the CRASH the same five "
            "are requeued and notifier-2 consumes them again (redelivered). The checker "
            "shows them unacked and the rest still stored. With the fix every msg.consume "
            "is followed by a msg.ack."
        ),
        anomalies=("unacked", "stored", "sent_twice"),
        story=("fault.crash", "msg.consume", "msg.ack", "msg.requeue", "app.processed"),
        horizon="40s",
        measure=_measure,
    )
)
