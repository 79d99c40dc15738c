"""restart-transient-loss: a broker restart empties a non-durable queue of transient messages.

Setup: ``shop`` publishes 20 orders to ``order_queue`` (one every 0.25 s, publisher
confirms on, the tutorial's ``queue_declare(queue='order_queue')`` and no properties);
``warehouse`` packs them, 1 s each, with manual acks and ``prefetch_count=1``, and
reconnects after a failure. Fault plan: the broker node is killed at a seeded moment
between 6 s and 9 s and started again 2 s later. The fix declares the queue
``durable=True`` and publishes with ``delivery_mode=pika.DeliveryMode.Persistent``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mqsim import pika
from mqsim.check import Report
from mqsim.labs.base import Lab
from mqsim.labs.rabbitmq._common import (
    BROKER,
    Ledger,
    connect,
    never_processed,
    run,
    with_totals,
)
from mqsim.labs.registry import register
from mqsim.sim import TraceRecord, World
from mqsim.sim.faults import FaultPlan, crash, restart

ORDERS = 20
EVERY_SECONDS = 0.25
PACK_SECONDS = 1.0
DOWNTIME = 2.0
END = 40.0


def _scenario(world: World, fix: bool) -> None:
    ledger = Ledger(world)
    crash_at = world.rng.uniform(6.0, 9.0)
    world.schedule(FaultPlan((crash(crash_at, BROKER), restart(crash_at + DOWNTIME, BROKER))))
    properties = (
        pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent.value) if fix else None
    )

    def shop() -> None:
        channel = connect("shop").channel()
        channel.queue_declare(queue="order_queue", durable=fix)
        channel.confirm_delivery()
        for i in range(1, ORDERS + 1):
            channel.basic_publish("", "order_queue", f"order {i}", properties)
            world.sleep(EVERY_SECONDS)

    def warehouse() -> None:
        while True:
            try:
                channel = connect("warehouse").channel()
                channel.queue_declare(queue="order_queue", durable=fix)
                channel.basic_qos(prefetch_count=1)

                def callback(ch: Any, method: Any, properties: Any, body: bytes) -> None:
                    world.sleep(PACK_SECONDS)  # pack the parcel
                    ledger.processed("warehouse", method.delivery_tag)
                    ch.basic_ack(delivery_tag=method.delivery_tag)

                channel.basic_consume("order_queue", on_message_callback=callback)
                channel.start_consuming()
            except pika.exceptions.AMQPError:
                world.sleep(1.0)  # broker gone: try again in a second

    world.programs.spawn("shop", shop)
    world.programs.spawn("warehouse", warehouse)
    run(world, END)


def _measure(report: Report, records: tuple[TraceRecord, ...]) -> Mapping[str, int]:
    return with_totals(report, {"never_processed": never_processed(records)})


LAB = register(
    Lab(
        name="restart-transient-loss",
        summary="a broker restart loses a non-durable queue and its transient messages, "
        "confirmed or not",
        system="rabbitmq",
        scenario=_scenario,
        mistake=(
            "order_queue is declared as in the tutorial (durable=False) and orders are "
            "published without properties (transient), with publisher confirms on; the "
            "broker restarts while orders wait."
        ),
        fix=(
            "channel.queue_declare(queue='order_queue', durable=True) on both sides, and "
            "basic_publish(..., properties=pika.BasicProperties("
            "delivery_mode=pika.DeliveryMode.Persistent.value)). Both are needed."
        ),
        explanation=(
            "RabbitMQ keeps across a restart only what it was told to keep: a durable queue "
            "(its definition) and, in it, persistent messages (delivery_mode=2). A "
            "non-durable queue is deleted when the node stops, with everything in it; a "
            "durable queue comes back but without its transient messages. Publisher "
            "confirms do not change that: for a transient message the broker confirms as "
            "soon as the queue has it in memory, so every order here was confirmed and is "
            "still gone. The unacked order the warehouse was packing comes back "
            "(redelivered) only with the fix. Durability costs a disk write per message (and "
            "the confirm of a persistent message waits for it, up to 25 ms); quorum queues "
            "are always durable and replicated."
        ),
        look_at=(
            "A msg.confirm for every order, then the CRASH of localhost:5672: msg.drop "
            "reason=crash for every order still in order_queue (confirmed, so the checker "
            "counts them lost), then the RESTART and the warehouse reconnecting to an empty "
            "queue. With the fix there are no drops: the warehouse finishes all 20, the "
            "interrupted one redelivered."
        ),
        anomalies=("lost", "never_processed"),
        story=(
            "fault.crash",
            "fault.restart",
            "msg.confirm",
            "msg.drop",
            "msg.requeue",
            "app.processed",
        ),
        horizon="50s",
        measure=_measure,
    )
)
