"""poison-message: a message the handler can never process is requeued forever.

Setup: ``shop`` publishes 12 orders as JSON to ``orders``; one, at a seeded position,
is truncated JSON. ``fulfilment`` consumes with ``prefetch_count=1`` and manual acks; when
the handler fails it calls ``basic_nack(requeue=True)`` ("try again later"). No other
fault. The fix declares ``orders`` as a quorum queue with ``x-delivery-limit: 3`` and a
dead-letter exchange: after three redeliveries RabbitMQ moves the message to
``orders.dead``, where ``ops`` reads it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mqsim.check import Report
from mqsim.labs.base import Lab
from mqsim.labs.rabbitmq._common import Ledger, connect, processed, run, with_totals
from mqsim.labs.registry import register
from mqsim.sim import TraceRecord, World

ORDERS = 12
PARSE_SECONDS = 0.1
SHIP_SECONDS = 0.5
END = 20.0


def _scenario(world: World, fix: bool) -> None:
    ledger = Ledger(world)
    poison = world.rng.randint(2, 6)
    arguments: dict[str, Any] | None = None
    if fix:
        arguments = {
            "x-queue-type": "quorum",
            "x-delivery-limit": 3,
            "x-dead-letter-exchange": "orders.dlx",
        }

    def declare(channel: Any) -> None:
        channel.queue_declare(queue="orders", durable=True, arguments=arguments)
        if fix:
            channel.exchange_declare("orders.dlx", "fanout", durable=True)
            channel.queue_declare(queue="orders.dead", durable=True)
            channel.queue_bind("orders.dead", "orders.dlx")

    def shop() -> None:
        channel = connect("shop").channel()
        declare(channel)
        for i in range(1, ORDERS + 1):
            order = json.dumps({"order": i, "customer": "Ahmad", "city": "Lahore"})
            channel.basic_publish("", "orders", order[:20] if i == poison else order)

    def fulfilment() -> None:
        channel = connect("fulfilment").channel()
        declare(channel)
        channel.basic_qos(prefetch_count=1)

        def callback(ch: Any, method: Any, properties: Any, body: bytes) -> None:
            world.sleep(PARSE_SECONDS)
            try:
                order = json.loads(body)
            except ValueError:
                ch.basic_nack(delivery_tag=method.delivery_tag, requeue=True)  # try again
                return
            world.sleep(SHIP_SECONDS)  # ship order["order"]
            ledger.processed("fulfilment", method.delivery_tag, order=order["order"])
            ch.basic_ack(delivery_tag=method.delivery_tag)

        channel.basic_consume("orders", on_message_callback=callback)
        channel.start_consuming()

    def ops() -> None:
        channel = connect("ops").channel()
        declare(channel)
        channel.basic_consume(
            "orders.dead",
            on_message_callback=lambda ch, method, props, body: ch.basic_ack(method.delivery_tag),
        )
        channel.start_consuming()

    world.programs.spawn("shop", shop)
    world.programs.spawn("fulfilment", fulfilment)
    if fix:
        world.programs.spawn("ops", ops)
    run(world, END)


def stuck_and_looping(records: tuple[TraceRecord, ...]) -> tuple[int, int, int]:
    """Good orders never shipped; messages still going round (requeued, and neither acked
    nor dropped at the end); and how often those were requeued."""
    shipped = {r.msg for r in processed(records)}
    good = [
        r.msg for r in records if r.kind == "msg.publish" and _parses(bytes(r.get("body") or b""))
    ]
    stuck = sum(1 for msg in good if msg not in shipped)
    requeues: dict[str, int] = {}
    last: dict[str, str] = {}
    for record in records:
        if record.msg is None:
            continue
        if record.kind == "msg.requeue":
            requeues[record.msg] = requeues.get(record.msg, 0) + 1
        if record.kind in ("msg.requeue", "msg.deliver", "msg.ack", "msg.drop"):
            last[record.msg] = record.kind
    looping = [msg for msg in requeues if last[msg] not in ("msg.ack", "msg.drop")]
    return stuck, len(looping), sum(requeues[msg] for msg in looping)


def _parses(body: bytes) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


def _measure(report: Report, records: tuple[TraceRecord, ...]) -> Mapping[str, int]:
    stuck, looping, requeues = stuck_and_looping(records)
    counts = {"orders_stuck": stuck, "still_looping": looping, "loop_requeues": requeues}
    return with_totals(report, counts)


LAB = register(
    Lab(
        name="poison-message",
        summary="a message that always fails is requeued forever and blocks the queue",
        system="rabbitmq",
        scenario=_scenario,
        mistake=(
            "fulfilment (prefetch_count=1) answers a message it cannot parse with "
            "basic_nack(requeue=True); one order is truncated JSON."
        ),
        fix=(
            "Declare orders as a quorum queue with arguments {'x-queue-type': 'quorum', "
            "'x-delivery-limit': 3, 'x-dead-letter-exchange': 'orders.dlx'} (and bind a "
            "queue to orders.dlx). A handler that knows the message can never succeed should "
            "reject it at once: basic_nack(requeue=False) dead-letters it."
        ),
        explanation=(
            "A requeued message goes back to its original place at the head of the queue "
            "and is delivered again at once, marked redelivered. A message that fails every "
            "time (bad JSON, a missing field, a bug) is therefore redelivered in a tight "
            "loop, burning CPU and log space, and with prefetch_count=1 it blocks every "
            "order behind it: the queue's head never moves. Classic queues cannot stop the "
            "loop: they do not count deliveries. Quorum queues do: with x-delivery-limit "
            "(delivery-limit policy) a message returned more than that many times is "
            "dead-lettered (x-death reason delivery_limit) or dropped if there is no "
            "dead-letter exchange. The dead-letter queue then holds the poison message for a "
            "human, and the orders behind it flow."
        ),
        look_at=(
            "The poison order's msg.requeue reason=nack repeating every 0.1 s until the end, "
            "and no app.processed for any order after it. With the fix: three requeues, then "
            "msg.drop reason=dead-lettered to 'orders.dlx', and the remaining orders shipped."
        ),
        anomalies=("orders_stuck", "still_looping", "loop_requeues"),
        story=("msg.requeue", "msg.drop", "app.processed"),
        horizon="30s",
        measure=_measure,
    )
)
