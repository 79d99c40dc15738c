"""publisher-confirms: without confirms a broker crash silently loses the last publishes.

Setup: ``checkout`` publishes 30 payments, one every 10 ms, to the durable ``payments``
queue as persistent messages, over a link with 20 ms latency each way; on an error it
reconnects and goes on. ``billing`` consumes them (reconnecting too). Fault plan: the
broker node is killed at a seeded moment between 0.2 s and 0.3 s and started again 1 s
later. The fix turns on publisher confirms (``channel.confirm_delivery()``): each publish
waits for the broker's ack, and a publish that fails is retried after reconnecting. The
broker acks a persistent payment only after its disk write (fsync, batched: up to 25 ms
later), so in some seeds billing already processed a payment whose ack died with the
node, and the retry makes it twice (``payments_twice``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mqsim import pika
from mqsim.check import Report
from mqsim.labs.base import Lab
from mqsim.labs.rabbitmq._common import BROKER, Ledger, bodies, connect, processed, run, with_totals
from mqsim.labs.registry import register
from mqsim.sim import TraceRecord, World
from mqsim.sim.faults import FaultPlan, crash, restart

PAYMENTS = 30
EVERY_SECONDS = 0.01
LATENCY = 0.02
DOWNTIME = 1.0
END = 20.0


def _scenario(world: World, fix: bool) -> None:
    ledger = Ledger(world)
    crash_at = world.rng.uniform(0.2, 0.3)
    world.schedule(FaultPlan((crash(crash_at, BROKER), restart(crash_at + DOWNTIME, BROKER))))
    world.net.configure("checkout", BROKER, latency=LATENCY)
    persistent = pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent.value)

    def open_channel(name: str, *, confirm: bool = False) -> Any:
        while True:
            try:
                channel = connect(name).channel()
                channel.queue_declare(queue="payments", durable=True)
                if confirm:
                    channel.confirm_delivery()
                return channel
            except pika.exceptions.AMQPError:
                world.sleep(0.5)  # broker down: try again

    def checkout() -> None:
        channel = open_channel("checkout", confirm=fix)
        i = 1
        while i <= PAYMENTS:
            try:
                channel.basic_publish("", "payments", f"payment {i}", persistent)
            except pika.exceptions.AMQPError:
                channel = open_channel("checkout", confirm=fix)
                continue  # publish payment i again
            i += 1
            world.sleep(EVERY_SECONDS)

    def billing() -> None:
        while True:
            channel = open_channel("billing")
            try:

                def callback(ch: Any, method: Any, properties: Any, body: bytes) -> None:
                    ledger.processed("billing", method.delivery_tag)
                    ch.basic_ack(delivery_tag=method.delivery_tag)

                channel.basic_consume("payments", on_message_callback=callback)
                channel.start_consuming()
            except pika.exceptions.AMQPError:
                world.sleep(0.5)

    world.programs.spawn("billing", billing)
    world.programs.spawn("checkout", checkout)
    run(world, END)


def payments_by_outcome(records: tuple[TraceRecord, ...]) -> tuple[int, int]:
    """Payments (by body) the checkout published but billing never processed, and
    payments billing processed more than once."""
    body_of = bodies(records)
    done: dict[bytes, int] = {}
    for record in processed(records):
        body = body_of.get(str(record.msg), b"")
        done[body] = done.get(body, 0) + 1
    missing = sum(1 for body in dict.fromkeys(body_of.values()) if body not in done)
    twice = sum(1 for count in done.values() if count > 1)
    return missing, twice


def _measure(report: Report, records: tuple[TraceRecord, ...]) -> Mapping[str, int]:
    missing, twice = payments_by_outcome(records)
    return with_totals(report, {"payments_missing": missing, "payments_twice": twice})


LAB = register(
    Lab(
        name="publisher-confirms",
        summary="no publisher confirms: a broker crash silently loses the last payments",
        system="rabbitmq",
        scenario=_scenario,
        mistake=(
            "checkout publishes persistent payments to a durable queue without publisher "
            "confirms, reconnecting and carrying on when a publish raises; the broker "
            "crashes."
        ),
        fix=(
            "channel.confirm_delivery() after opening the channel: basic_publish then waits "
            "for the broker's basic.ack (raising on a nack or a lost connection), and the "
            "payment whose publish raised is published again after reconnecting."
        ),
        explanation=(
            "basic_publish is asynchronous: it writes a frame to the socket and returns. "
            "Durable queues and persistent messages protect what the broker has stored, but "
            "nothing protects what it has not: frames in flight when the node dies, and "
            "everything checkout writes before it notices the connection is gone, and a "
            "persistent message stored but not yet written to disk (RabbitMQ fsyncs in "
            "batches, every 25 ms). Without confirms checkout cannot tell which payments "
            "made it, so the retry of the one publish that raised does not cover them. With "
            "confirms (confirm.select) the broker acks each message once it is safe (for a "
            "persistent message in a durable queue, once it is on disk); an ack already "
            "sent still arrives after the crash, and a payment without an ack is published "
            "again. That makes delivery at-least-once: billing may have processed a payment "
            "the broker had not yet written to disk, whose ack never came; its retry is a "
            "duplicate, so consumers deduplicate (see crash-before-ack). For throughput, "
            "confirm in batches or asynchronously rather than one publish at a time."
        ),
        look_at=(
            "The CRASH, then the last payments: msg.drop reason=crash for those in flight "
            "to the dying node, reason=connection-lost for those checkout wrote to the dead "
            "connection before it noticed; billing never processes them. With the fix each "
            "publish waits for its msg.confirm (one that was already on its way arrives "
            "after the CRASH), and the payment whose publish failed is published again. "
            "Seeds 5 and 6 show the duplicate: billing processes a payment, the node dies "
            "before its fsync, and the retry is processed again."
        ),
        anomalies=("payments_missing",),
        story=("fault.crash", "fault.restart", "msg.publish", "msg.drop", "msg.confirm"),
        horizon="30s",
        measure=_measure,
    )
)
