"""partition-heartbeat: a partition outlives the heartbeat; the task is done twice.

Setup: ``studio`` publishes 6 video-encoding jobs to ``encode`` (each with a
``message_id``); ``encoder-1`` and ``encoder-2`` consume with ``prefetch_count=1``,
manual acks and ``heartbeat=10``; a job takes about 8 s and ends with a write to the
shared database. Both reconnect after an error. Fault plan: the network between
encoder-1 and the broker is cut at a seeded moment between 1 s and 6 s, for 25 s. The fix
makes the write idempotent (keyed by ``message_id``), so the second run of a job changes
nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from mqsim import pika
from mqsim.check import Report
from mqsim.labs.base import Lab
from mqsim.labs.rabbitmq._common import (
    BROKER,
    Database,
    Ledger,
    connect,
    processed_twice,
    run,
    with_totals,
)
from mqsim.labs.registry import register
from mqsim.sim import TraceRecord, World
from mqsim.sim.faults import FaultPlan, partition

JOBS = 6
ENCODE_SECONDS = 8.0
HEARTBEAT = 10
CUT_SECONDS = 25.0
END = 60.0


def _scenario(world: World, fix: bool) -> None:
    ledger = Ledger(world)
    db = Database()
    cut_at = world.rng.uniform(1.0, 6.0)
    world.schedule(FaultPlan((partition(cut_at, "encoder-1", BROKER, until=cut_at + CUT_SECONDS),)))

    def studio() -> None:
        channel = connect("studio").channel()
        channel.queue_declare(queue="encode", durable=True)
        for i in range(1, JOBS + 1):
            props = pika.BasicProperties(message_id=f"video-{i}", delivery_mode=2)
            channel.basic_publish("", "encode", f"encode video {i} to 720p", props)

    def encoder(name: str) -> None:
        while True:
            try:
                channel = connect(name, heartbeat=HEARTBEAT).channel()
                channel.queue_declare(queue="encode", durable=True)
                channel.basic_qos(prefetch_count=1)
                channel.basic_consume("encode", on_message_callback=handler(name))
                channel.start_consuming()
            except pika.exceptions.AMQPError:
                world.sleep(5.0)  # connection lost or refused: try again later

    def handler(name: str) -> Any:
        def callback(ch: Any, method: Any, properties: Any, body: bytes) -> None:
            world.sleep(ENCODE_SECONDS * world.rng.uniform(0.9, 1.1))  # encode the video
            if fix:
                written = db.apply_once(properties.message_id, body.decode())
            else:
                db.apply(body.decode())  # INSERT INTO videos ...
                written = True
            ledger.processed(name, method.delivery_tag, effect=written)
            ch.basic_ack(delivery_tag=method.delivery_tag)

        return callback

    world.programs.spawn("studio", studio)
    for name in ("encoder-1", "encoder-2"):
        world.programs.spawn(name, functools.partial(encoder, name))
    run(world, END)


def _measure(report: Report, records: tuple[TraceRecord, ...]) -> Mapping[str, int]:
    return with_totals(report, {"written_twice": processed_twice(records)})


LAB = register(
    Lab(
        name="partition-heartbeat",
        summary="a partition outlives the heartbeat: the job is requeued while the old "
        "consumer still finishes it",
        system="rabbitmq",
        scenario=_scenario,
        mistake=(
            "Two encoders (prefetch_count=1, manual acks, heartbeat=10) write each finished "
            "video with a plain INSERT; encoder-1 is cut off from the broker for 25 s."
        ),
        fix=(
            "Make the write idempotent, keyed by the message_id the publisher set: an "
            "upsert or a unique key (INSERT ... ON CONFLICT DO NOTHING), so a job done twice "
            "is written once. Raising the heartbeat only moves the threshold."
        ),
        explanation=(
            "RabbitMQ notices a dead peer by missing heartbeats: with heartbeat=10 (beats "
            "every 5 s, two missed ones are fatal) it closes encoder-1's connection about 10 s "
            "into the partition and requeues its unacked job, which encoder-2 takes. But "
            "encoder-1 is not dead, only cut off: it goes on encoding and writes the result. "
            "Its basic_ack is lost in the partition (or, later, fails on the closed channel), "
            "so the broker never learns that the job was done, and encoder-2 does it again. "
            "No setting prevents this: a broker cannot tell a crashed consumer from "
            "an unreachable one, and requeueing is what keeps work from being lost. With the "
            "heartbeat off (heartbeat=0) a half-open connection could hold the job for hours "
            "instead. Delivery is at-least-once; the consumer must make the second run "
            "harmless."
        ),
        look_at=(
            "net.partition between encoder-1 and localhost:5672, msg.requeue "
            "reason=heartbeat-timeout 10 s later, encoder-2 consuming the job "
            "redelivered, although encoder-1 had finished it (its app.processed, then its "
            "ack lost: net.drop reason=partition). With the fix the second app.processed "
            "says effect=False."
        ),
        anomalies=("written_twice",),
        story=(
            "net.partition",
            "net.drop",
            "net.heal",
            "msg.consume",
            "msg.requeue",
            "app.processed",
        ),
        horizon="70s",
        measure=_measure,
    )
)
