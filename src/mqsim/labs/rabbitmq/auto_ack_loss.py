"""auto-ack-loss: an auto-ack consumer is killed; every message it held is gone.

Setup: ``shop`` publishes 10 orders to ``order_queue`` (the tutorial's send.py); ``worker``
is the tutorial's receive.py (``auto_ack=True``) taking 1 s per order. Fault plan: the
worker is killed (``kill -9``) at a seeded moment between 2.5 s and 6.5 s and a
supervisor starts ``worker-2`` at once. The fix consumes with ``auto_ack=False`` and
acknowledges each order after processing it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mqsim.check import Report
from mqsim.labs.base import Lab
from mqsim.labs.rabbitmq._common import Ledger, connect, kill, never_processed, run, with_totals
from mqsim.labs.registry import register
from mqsim.sim import TraceRecord, World

ORDERS = 10
WORK_SECONDS = 1.0
END = 30.0


def _scenario(world: World, fix: bool) -> None:
    ledger = Ledger(world)
    crash_at = world.rng.uniform(2.5, 6.5)

    def shop() -> None:
        channel = connect("shop").channel()
        channel.queue_declare(queue="order_queue")
        for i in range(1, ORDERS + 1):
            channel.basic_publish(exchange="", routing_key="order_queue", body=f"order {i}")

    def worker(name: str) -> None:
        channel = connect(name).channel()
        channel.queue_declare(queue="order_queue")

        def callback(ch: Any, method: Any, properties: Any, body: bytes) -> None:
            world.sleep(WORK_SECONDS)  # write the order to the database
            ledger.processed(name, method.delivery_tag)
            if fix:
                ch.basic_ack(delivery_tag=method.delivery_tag)

        channel.basic_consume(queue="order_queue", on_message_callback=callback, auto_ack=not fix)
        channel.start_consuming()

    world.programs.spawn("shop", shop)
    first = world.programs.spawn("worker", lambda: worker("worker"))

    def crash_and_restart() -> None:
        kill(world, first)
        world.programs.spawn("worker-2", lambda: worker("worker-2"))

    world.call_at(crash_at, crash_and_restart)
    run(world, END)


def _measure(report: Report, records: tuple[TraceRecord, ...]) -> Mapping[str, int]:
    return with_totals(report, {"never_processed": never_processed(records)})


LAB = register(
    Lab(
        name="auto-ack-loss",
        summary="an auto-ack consumer is killed: the orders it was holding are gone",
        system="rabbitmq",
        scenario=_scenario,
        mistake=(
            "worker consumes order_queue with auto_ack=True (the tutorial's receive.py, "
            "Mistake 1), takes 1 s per order, and is killed half-way through."
        ),
        fix=(
            "channel.basic_consume(queue='order_queue', on_message_callback=callback, "
            "auto_ack=False) and ch.basic_ack(delivery_tag=method.delivery_tag) as the "
            "callback's last line, after the order is written."
        ),
        explanation=(
            "With auto_ack=True (no_ack in AMQP) RabbitMQ considers a message delivered the "
            "moment it writes it to the socket and deletes it at once: the msg.ack records sit "
            "right beside the msg.deliver records. With no ack there is no prefetch limit "
            "either, so the broker pushes the whole queue into the worker's client buffer. "
            "When the worker dies, the order it was processing and every order still in its "
            "buffer die with it (msg.drop reason=client-crash); the queue is empty and "
            "worker-2 waits for nothing. With manual acks the broker keeps each order until "
            "the basic.ack arrives; when the connection drops, every unacked order goes back "
            "to the queue (msg.requeue, redelivered=True) and worker-2 processes them."
        ),
        look_at=(
            "The msg.ack right beside each msg.deliver at t=0 (auto-ack), the CRASH, then "
            "msg.drop reason=client-crash for the buffered orders; the order being written "
            "has no app.processed, and worker-2 gets nothing. With the fix: msg.requeue "
            "reason=client-crash, and worker-2 is delivered the same orders (redelivered) "
            "and processes them."
        ),
        anomalies=("lost", "never_processed"),
        story=(
            "fault.crash",
            "msg.deliver",
            "msg.ack",
            "msg.drop",
            "msg.requeue",
            "app.processed",
        ),
        horizon="40s",
        measure=_measure,
    )
)
