"""crash-before-ack: killed after the work but before the ack, a consumer gets it again.

Setup: ``checkout`` publishes 8 payments to ``payments``, each with a ``message_id``;
``billing`` consumes with manual acks: it charges the card (1 s, a write to the shared
database), sends the receipt (0.5 s) and acks. Fault plan: billing is killed at a seeded
moment after a seeded payment is charged and before its ack, and ``billing-2`` starts at
once. The fix makes the charge idempotent: the database records the ``message_id`` in the
same transaction as the charge, and a message whose id is already there is acked without
charging again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mqsim import pika
from mqsim.check import Report
from mqsim.labs.base import Lab
from mqsim.labs.rabbitmq._common import (
    Database,
    Ledger,
    connect,
    kill,
    processed_twice,
    run,
    with_totals,
)
from mqsim.labs.registry import register
from mqsim.sim import TraceRecord, World

PAYMENTS = 8
CHARGE_SECONDS = 1.0
RECEIPT_SECONDS = 0.5
END = 30.0


def _scenario(world: World, fix: bool) -> None:
    ledger = Ledger(world)
    db = Database()
    victim = world.rng.randint(2, 6)
    step = CHARGE_SECONDS + RECEIPT_SECONDS
    crash_at = (victim - 1) * step + CHARGE_SECONDS + world.rng.uniform(0.05, 0.45)

    def checkout() -> None:
        channel = connect("checkout").channel()
        channel.queue_declare(queue="payments", durable=True)
        for i in range(1, PAYMENTS + 1):
            props = pika.BasicProperties(message_id=f"pay-{i}", delivery_mode=2)
            channel.basic_publish("", "payments", f"charge Ahmad 500 PKR #{i}", props)

    def billing(name: str) -> None:
        channel = connect(name).channel()
        channel.queue_declare(queue="payments", durable=True)
        channel.basic_qos(prefetch_count=1)

        def callback(ch: Any, method: Any, properties: Any, body: bytes) -> None:
            world.sleep(CHARGE_SECONDS)  # call the card processor
            if fix:
                charged = db.apply_once(properties.message_id, body.decode())
            else:
                db.apply(body.decode())
                charged = True
            ledger.processed(name, method.delivery_tag, effect=charged)
            world.sleep(RECEIPT_SECONDS)  # e-mail the receipt
            ch.basic_ack(delivery_tag=method.delivery_tag)

        channel.basic_consume(queue="payments", on_message_callback=callback)
        channel.start_consuming()

    world.programs.spawn("checkout", checkout)
    first = world.programs.spawn("billing", lambda: billing("billing"))

    def crash_and_restart() -> None:
        kill(world, first)
        world.programs.spawn("billing-2", lambda: billing("billing-2"))

    world.call_at(crash_at, crash_and_restart)
    run(world, END)


def _measure(report: Report, records: tuple[TraceRecord, ...]) -> Mapping[str, int]:
    return with_totals(report, {"charged_twice": processed_twice(records)})


LAB = register(
    Lab(
        name="crash-before-ack",
        summary="killed after charging but before the ack: the payment is redelivered "
        "and charged twice",
        system="rabbitmq",
        scenario=_scenario,
        mistake=(
            "billing acks manually, after the work (the tutorial's fix for Mistake 1), but "
            "charges the card with a plain write; it is killed between a charge and its ack."
        ),
        fix=(
            "Make the handler idempotent: the publisher sets "
            "BasicProperties(message_id=...), and billing writes the charge and the "
            "message_id in one database transaction (a unique key), skipping the charge and "
            "just acking when the id is already there."
        ),
        explanation=(
            "Manual acks give at-least-once delivery, not exactly-once. RabbitMQ removes a "
            "message only when the basic.ack arrives; if the consumer's connection drops "
            "first, every unacked message goes back to the queue with redelivered=True and "
            "is delivered again, even though its work was done. No broker setting closes "
            "that window between the side effect and the ack (acking first is auto-ack's "
            "at-most-once again). The redelivered flag only says 'maybe seen before': it is "
            "also set for messages whose first delivery never got processed. The cure is "
            "on the consumer side: deduplicate by a message id the publisher chose, in the "
            "same transaction as the effect. The checker still shows the duplicate delivery "
            "with the fix; what changes is that the card is charged once."
        ),
        look_at=(
            "The app.processed record of the victim payment just before the CRASH (no msg.ack "
            "follows), msg.requeue reason=client-crash, and billing-2's msg.consume of the "
            "same message with redelivered=True, then a second app.processed effect=True. With "
            "the fix billing-2's app.processed says effect=False."
        ),
        anomalies=("charged_twice",),
        story=(
            "fault.crash",
            "msg.consume",
            "msg.ack",
            "msg.requeue",
            "app.processed",
        ),
        horizon="40s",
        measure=_measure,
    )
)
