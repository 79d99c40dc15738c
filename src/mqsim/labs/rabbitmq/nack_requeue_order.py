"""nack-requeue-order: a nacked message is requeued behind what the consumer already holds.

Setup: ``bank`` publishes 10 account events for one account to ``account-events``;
``ledger`` applies them in order (0.3 s each) with ``basic_qos(prefetch_count=10)``. The
first attempt at one seeded event (2nd to 6th) fails with a transient database error and
the handler calls ``basic_nack(requeue=True)`` to retry it. No other fault. The fix uses
``prefetch_count=1``, so the requeued event is the next one delivered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mqsim.check import Report
from mqsim.labs.base import Lab
from mqsim.labs.rabbitmq._common import Ledger, connect, processed, published, run, with_totals
from mqsim.labs.registry import register
from mqsim.sim import TraceRecord, World

EVENTS = 10
APPLY_SECONDS = 0.3
END = 20.0


def _scenario(world: World, fix: bool) -> None:
    ledger = Ledger(world)
    flaky = f"event {world.rng.randint(2, 6)}".encode()

    def bank() -> None:
        channel = connect("bank").channel()
        channel.queue_declare(queue="account-events", durable=True)
        for i in range(1, EVENTS + 1):
            channel.basic_publish("", "account-events", f"event {i}")

    def ledger_service() -> None:
        channel = connect("ledger").channel()
        channel.queue_declare(queue="account-events", durable=True)
        channel.basic_qos(prefetch_count=1 if fix else 10)
        failed: set[bytes] = set()

        def callback(ch: Any, method: Any, properties: Any, body: bytes) -> None:
            world.sleep(APPLY_SECONDS)  # UPDATE accounts SET balance = ...
            if body == flaky and body not in failed:
                failed.add(body)  # a deadlock: retry later
                ch.basic_nack(delivery_tag=method.delivery_tag, requeue=True)
                return
            ledger.processed("ledger", method.delivery_tag)
            ch.basic_ack(delivery_tag=method.delivery_tag)

        channel.basic_consume(queue="account-events", on_message_callback=callback)
        channel.start_consuming()

    world.programs.spawn("bank", bank)
    world.programs.spawn("ledger", ledger_service)
    run(world, END)


def applied_late(records: tuple[TraceRecord, ...]) -> int:
    """Events applied after an event published later than them."""
    rank = {r.msg: index for index, r in enumerate(published(records))}
    latest = -1
    late = 0
    for record in processed(records):
        position = rank.get(record.msg, -1)
        if position < latest:
            late += 1
        latest = max(latest, position)
    return late


def _measure(report: Report, records: tuple[TraceRecord, ...]) -> Mapping[str, int]:
    return with_totals(report, {"applied_late": applied_late(records)})


LAB = register(
    Lab(
        name="nack-requeue-order",
        summary="nack with requeue=True: the retried event comes back after later ones",
        system="rabbitmq",
        scenario=_scenario,
        mistake=(
            "ledger applies account events in order with basic_qos(prefetch_count=10) and "
            "retries a failed event with basic_nack(delivery_tag, requeue=True)."
        ),
        fix=(
            "basic_qos(prefetch_count=1): the consumer holds nothing else, so the requeued "
            "event is the next one delivered. (Or retry inside the handler before acking, "
            "and never requeue what must stay in order.)"
        ),
        explanation=(
            "A RabbitMQ queue is FIFO, and a requeued message goes back to its original "
            "position, at the head. But the events after it were already delivered: with "
            "prefetch_count=10 the ledger holds the next nine in its buffer, so it applies "
            "them first and sees the retried event (redelivered=True) only after them. A "
            "withdrawal can be applied before the deposit that covers it. With "
            "prefetch_count=1 nothing else is outstanding when the nack arrives, and the "
            "event is redelivered at once. RabbitMQ promises order only per queue, for one "
            "consumer, without requeues: with two consumers, or a requeue while other "
            "deliveries are in flight, the application sees another order (the delivery "
            "checker does not count reorderings in queues with requeues for that reason)."
        ),
        look_at=(
            "msg.requeue reason=nack for the flaky event, then app.processed for the events "
            "after it, and only then its redelivery. With the fix the msg.requeue is "
            "followed at once by the same message's msg.consume (redelivered)."
        ),
        anomalies=("applied_late",),
        story=("msg.consume", "msg.requeue", "app.processed"),
        horizon="30s",
        measure=_measure,
    )
)
