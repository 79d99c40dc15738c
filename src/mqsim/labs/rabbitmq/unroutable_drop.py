"""unroutable-drop: messages no queue is bound for vanish, even with publisher confirms.

Setup: ``shop`` declares the direct exchange ``orders`` and publishes 12 order events
with confirms on; most have routing key ``created`` (bound to ``orders.created``, read by
``fulfilment``), a seeded few ``cancelled``, for which the refunds team has not bound a
queue yet. No fault. The fix declares ``orders`` with an alternate exchange
(``orders.unrouted``, a fanout with one queue that ``ops`` reads), so nothing is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mqsim.check import Report
from mqsim.labs.base import Lab
from mqsim.labs.rabbitmq._common import Ledger, connect, run, with_totals
from mqsim.labs.registry import register
from mqsim.sim import TraceRecord, World

EVENTS = 12
END = 10.0


def _scenario(world: World, fix: bool) -> None:
    ledger = Ledger(world)
    kinds = ["cancelled" if world.rng.random() < 0.3 else "created" for _ in range(EVENTS)]
    kinds[world.rng.randrange(EVENTS)] = "cancelled"
    arguments = {"alternate-exchange": "orders.unrouted"} if fix else None

    def declare(channel: Any) -> None:
        if fix:
            channel.exchange_declare("orders.unrouted", "fanout", durable=True)
            channel.queue_declare("orders.unrouted", durable=True)
            channel.queue_bind("orders.unrouted", "orders.unrouted")
        channel.exchange_declare("orders", "direct", durable=True, arguments=arguments)
        channel.queue_declare("orders.created", durable=True)
        channel.queue_bind("orders.created", "orders", routing_key="created")

    def shop() -> None:
        channel = connect("shop").channel()
        declare(channel)
        channel.confirm_delivery()
        for i, kind in enumerate(kinds, start=1):
            channel.basic_publish("orders", kind, f"order {i} {kind}")  # confirmed: no error
            world.sleep(0.1)

    def reader(name: str, queue: str) -> None:
        channel = connect(name).channel()
        declare(channel)

        def callback(ch: Any, method: Any, properties: Any, body: bytes) -> None:
            ledger.processed(name, method.delivery_tag)
            ch.basic_ack(delivery_tag=method.delivery_tag)

        channel.basic_consume(queue, on_message_callback=callback)
        channel.start_consuming()

    world.programs.spawn("fulfilment", lambda: reader("fulfilment", "orders.created"))
    if fix:
        world.programs.spawn("ops", lambda: reader("ops", "orders.unrouted"))
    world.programs.spawn("shop", shop)
    run(world, END)


def silently_dropped(records: tuple[TraceRecord, ...]) -> int:
    """Messages dropped as unroutable without being returned to the publisher."""
    returned = {r.msg for r in records if r.kind == "msg.return"}
    return sum(
        1
        for r in records
        if r.kind == "msg.drop" and r.get("reason") == "unroutable" and r.msg not in returned
    )


def _measure(report: Report, records: tuple[TraceRecord, ...]) -> Mapping[str, int]:
    return with_totals(report, {"silently_dropped": silently_dropped(records)})


LAB = register(
    Lab(
        name="unroutable-drop",
        summary="a message no queue is bound for is dropped, and the confirm still says ok",
        system="rabbitmq",
        scenario=_scenario,
        mistake=(
            "shop publishes order events to the direct exchange 'orders' in confirm mode; "
            "nothing is bound for routing key 'cancelled' yet."
        ),
        fix=(
            "Declare 'orders' with arguments={'alternate-exchange': 'orders.unrouted'} (or "
            "set it by policy) and bind a queue to that fanout exchange, so unroutable "
            "messages are kept and someone sees them. Publishers that must know can also "
            "publish with mandatory=True: RabbitMQ then returns the message (312 NO_ROUTE; "
            "in confirm mode pika's basic_publish raises UnroutableError)."
        ),
        explanation=(
            "An exchange routes a message to the queues whose bindings match; if none "
            "match, RabbitMQ drops it. That is not an error: without mandatory the publisher "
            "hears nothing, and in confirm mode it even gets a positive basic.ack, because "
            "the broker has done all it was asked to (a confirm means 'handled', not "
            "'stored in a queue'). So an event type nobody has bound yet, a typo in a "
            "routing key, or a queue declared only by the consumer that has not started "
            "yet all lose messages silently. An alternate exchange catches what its "
            "exchange cannot route; mandatory=True makes the broker send it back instead."
        ),
        look_at=(
            "Each publish with key=cancelled is followed by msg.drop reason=unroutable (the "
            "msg.route record says queues=[]) and then by its msg.confirm: shop's "
            "basic_publish returned normally. "
            "With the fix the same messages are routed to orders.unrouted and ops consumes "
            "them."
        ),
        anomalies=("silently_dropped",),
        story=("msg.publish", "msg.drop", "msg.confirm", "msg.return", "app.processed"),
        horizon="20s",
        measure=_measure,
    )
)
