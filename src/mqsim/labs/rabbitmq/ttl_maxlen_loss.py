"""ttl-maxlen-loss: while the consumer is down, TTL and max-length throw orders away.

Setup: ``orders`` is declared with ``x-message-ttl: 5000`` (stale after 5 s) and
``x-max-length: 8`` (to protect the broker); ``shop`` publishes 30 orders, one every
0.5 s; ``kitchen`` takes 0.2 s per order. Fault plan: kitchen is killed at a seeded moment
between 1.5 s and 3 s and comes back 15 s to 20 s later. The fix keeps both limits but
adds a dead-letter exchange, so expired and overflowing orders are parked in
``orders.parked``, which kitchen also reads when it comes back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mqsim.check import Report
from mqsim.labs.base import Lab
from mqsim.labs.rabbitmq._common import Ledger, connect, kill, never_processed, run, with_totals
from mqsim.labs.registry import register
from mqsim.sim import TraceRecord, World

ORDERS = 30
EVERY_SECONDS = 0.5
COOK_SECONDS = 0.2
END = 45.0


def _scenario(world: World, fix: bool) -> None:
    ledger = Ledger(world)
    crash_at = world.rng.uniform(1.5, 3.0)
    back_at = crash_at + world.rng.uniform(15.0, 20.0)
    arguments: dict[str, Any] = {"x-message-ttl": 5000, "x-max-length": 8}
    if fix:
        arguments["x-dead-letter-exchange"] = "orders.dlx"

    def declare(channel: Any) -> None:
        if fix:
            channel.exchange_declare("orders.dlx", "fanout", durable=True)
            channel.queue_declare("orders.parked", durable=True)
            channel.queue_bind("orders.parked", "orders.dlx")
        channel.queue_declare("orders", durable=True, arguments=arguments)

    def shop() -> None:
        channel = connect("shop").channel()
        declare(channel)
        for i in range(1, ORDERS + 1):
            channel.basic_publish("", "orders", f"order {i}: karahi")
            world.sleep(EVERY_SECONDS)

    def kitchen(name: str) -> None:
        channel = connect(name).channel()
        declare(channel)
        channel.basic_qos(prefetch_count=1)

        def callback(ch: Any, method: Any, properties: Any, body: bytes) -> None:
            world.sleep(COOK_SECONDS)
            ledger.processed(name, method.delivery_tag)
            ch.basic_ack(delivery_tag=method.delivery_tag)

        channel.basic_consume("orders", on_message_callback=callback)
        if fix:
            channel.basic_consume("orders.parked", on_message_callback=callback)
        channel.start_consuming()

    world.programs.spawn("shop", shop)
    first = world.programs.spawn("kitchen", lambda: kitchen("kitchen"))

    def back() -> None:
        world.programs.spawn("kitchen-2", lambda: kitchen("kitchen-2"))

    world.call_at(crash_at, kill, world, first)
    world.call_at(back_at, back)
    run(world, END)


def _measure(report: Report, records: tuple[TraceRecord, ...]) -> Mapping[str, int]:
    reasons = dict(report.drop_reasons)
    counts = {
        "expired": reasons.get("expired", 0),
        "maxlen_dropped": reasons.get("maxlen", 0),
        "never_processed": never_processed(records),
    }
    return with_totals(report, counts)


LAB = register(
    Lab(
        name="ttl-maxlen-loss",
        summary="message TTL and max-length drop-head silently discard orders during an outage",
        system="rabbitmq",
        scenario=_scenario,
        mistake=(
            "orders is declared with {'x-message-ttl': 5000, 'x-max-length': 8} and no "
            "dead-letter exchange; the kitchen is down for 15-20 s."
        ),
        fix=(
            "Add 'x-dead-letter-exchange': 'orders.dlx' (or a dead-letter policy) and bind a "
            "queue to it: expired and overflowing orders are moved there (x-death reason "
            "expired / maxlen) instead of deleted. Or use 'x-overflow': 'reject-publish' with "
            "publisher confirms, so the publisher is told (nack) and can slow down."
        ),
        explanation=(
            "x-message-ttl deletes a message that has waited longer than the TTL; "
            "x-max-length with the default overflow 'drop-head' deletes the oldest message "
            "when a new one would exceed the limit. Both are silent: no error to the "
            "publisher (a confirm is still positive), nothing to the consumer, only a "
            "counter in the management UI. They look harmless until the consumer is down: "
            "then the queue fills, the head is dropped, and what stays longer than the TTL "
            "expires. With a dead-letter exchange RabbitMQ republishes such messages, with "
            "an x-death header saying why, to the dead-letter exchange: nothing is lost and "
            "someone can decide. reject-publish instead refuses new messages, pushing back "
            "on the publisher."
        ),
        look_at=(
            "The CRASH of kitchen, then msg.drop reason=maxlen once eight orders wait and "
            "reason=expired as they age past 5 s. kitchen-2 finds only the newest orders. "
            "With the fix the same drops say reason=dead-lettered to 'orders.dlx', and "
            "kitchen-2 cooks the parked orders too."
        ),
        anomalies=("expired", "maxlen_dropped", "never_processed"),
        story=("fault.crash", "msg.drop", "app.processed"),
        horizon="60s",
        measure=_measure,
    )
)
