"""fair-dispatch: without a prefetch limit, the slow worker gets half of the work.

Setup: two workers consume ``task_queue`` with manual acks: ``worker-fast`` takes about
0.5 s per task, ``worker-slow`` (an old machine) about 3 s. At t=1 s ``scheduler``
publishes 20 tasks. No fault: the mistake is the default prefetch (unlimited). The fix
calls ``basic_qos(prefetch_count=1)`` on both workers.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping
from typing import Any

from mqsim.check import Report
from mqsim.labs.base import Lab
from mqsim.labs.rabbitmq._common import PROCESSED, STARTED, Ledger, connect, run, with_totals
from mqsim.labs.registry import register
from mqsim.sim import TraceRecord, World

TASKS = 20
SECONDS_PER_TASK = {"worker-fast": 0.5, "worker-slow": 3.0}
START = 1.0
END = 60.0


def _scenario(world: World, fix: bool) -> None:
    ledger = Ledger(world)

    def scheduler() -> None:
        world.sleep(START)
        channel = connect("scheduler").channel()
        channel.queue_declare(queue="task_queue", durable=True)
        for i in range(1, TASKS + 1):
            channel.basic_publish("", "task_queue", f"resize photo {i}")

    def worker(name: str) -> None:
        channel = connect(name).channel()
        channel.queue_declare(queue="task_queue", durable=True)
        if fix:
            channel.basic_qos(prefetch_count=1)

        def callback(ch: Any, method: Any, properties: Any, body: bytes) -> None:
            ledger.started(name, method.delivery_tag)
            world.sleep(SECONDS_PER_TASK[name] * world.rng.uniform(0.9, 1.1))
            ledger.processed(name, method.delivery_tag)
            ch.basic_ack(delivery_tag=method.delivery_tag)

        channel.basic_consume(queue="task_queue", on_message_callback=callback)
        channel.start_consuming()

    for name in SECONDS_PER_TASK:
        world.programs.spawn(name, functools.partial(worker, name))
    world.programs.spawn("scheduler", scheduler)
    run(world, END)


def _intervals(
    records: tuple[TraceRecord, ...],
) -> tuple[dict[str, list[tuple[float, float]]], dict[str, list[tuple[float, float]]]]:
    """Per worker: when it was working on a task, and when a task waited in its buffer
    (from the delivery to the moment the worker started it)."""
    delivered: dict[str, float] = {}
    busy: dict[str, list[tuple[float, float]]] = {}
    waiting: dict[str, list[tuple[float, float]]] = {}
    since: dict[str, float] = {}
    for record in records:
        if record.msg is None:
            continue
        if record.kind == "msg.deliver":
            delivered[record.msg] = record.time
        elif record.kind == STARTED:
            since[record.actor] = record.time
            wait = (delivered.get(record.msg, record.time), record.time)
            waiting.setdefault(record.actor, []).append(wait)
            busy.setdefault(record.actor, [])
        elif record.kind == PROCESSED and record.actor in since:
            busy[record.actor].append((since.pop(record.actor), record.time))
    end = records[-1].time if records else 0.0
    for worker, start in since.items():
        busy[worker].append((start, end))
    return busy, waiting


def _inside(time: float, intervals: list[tuple[float, float]]) -> bool:
    return any(low <= time < high for low, high in intervals)


def imbalance(records: tuple[TraceRecord, ...]) -> tuple[int, float]:
    """Tasks that waited in a worker's buffer while another worker sat idle, and the
    seconds workers sat idle while such tasks waited."""
    busy, waiting = _intervals(records)
    cuts = sorted({t for spans in (*busy.values(), *waiting.values()) for s in spans for t in s})
    idle_seconds = 0.0
    stranded: dict[tuple[float, float], None] = {}
    for low, high in itertools.pairwise(cuts):
        middle = (low + high) / 2
        for worker in busy:
            if _inside(middle, busy[worker]):
                continue
            blocked = [
                span
                for other, spans in waiting.items()
                if other != worker
                for span in spans
                if span[0] <= middle < span[1]
            ]
            if blocked:
                idle_seconds += high - low
                for span in blocked:
                    stranded.setdefault(span)
    return len(stranded), idle_seconds


def finished_at(records: tuple[TraceRecord, ...]) -> float:
    """When the last task was finished."""
    return max((r.time for r in records if r.kind == PROCESSED), default=0.0)


def _measure(report: Report, records: tuple[TraceRecord, ...]) -> Mapping[str, int]:
    count, idle = imbalance(records)
    counts = {
        "stranded": count,
        "idle_seconds": round(idle),
        "seconds_to_finish": round(finished_at(records)),
    }
    return with_totals(report, counts)


LAB = register(
    Lab(
        name="fair-dispatch",
        summary="no prefetch limit: round-robin hands the slow worker half the work",
        system="rabbitmq",
        scenario=_scenario,
        mistake=(
            "Two workers, one six times slower, consume task_queue with manual acks and "
            "the default prefetch (no basic_qos: unlimited)."
        ),
        fix=(
            "channel.basic_qos(prefetch_count=1) in each worker before basic_consume: "
            "RabbitMQ sends a worker its next task only after it acked the previous one."
        ),
        explanation=(
            "RabbitMQ dispatches a queue's messages to its consumers round-robin, as they "
            "arrive, without looking at how many each one has not acknowledged yet, unless a "
            "prefetch limit (basic.qos prefetch_count) says how many unacked messages a "
            "consumer may hold. With no limit the 20 tasks are split 10/10 the moment they "
            "are published: the fast worker is done after about 5 s and then idles while "
            "the slow one works through its ten for about 30 s. With prefetch_count=1 a "
            "task stays in the queue until a worker is free, so the fast worker takes most "
            "of them and everything is done after about 9 s. A larger prefetch (10-100) is "
            "better for throughput with many small messages; 1 is fairest for long tasks."
        ),
        look_at=(
            "The msg.deliver records at t=1 s (all 20 at once, alternating workers), then "
            "worker-fast's last app.processed near t=6 s while worker-slow keeps going to "
            "about t=31 s. With the fix each msg.deliver follows the previous msg.ack of the "
            "same worker and the last app.processed is near t=10 s."
        ),
        anomalies=("stranded", "idle_seconds"),
        story=("msg.deliver", "app.processed"),
        horizon="70s",
        measure=_measure,
    )
)
