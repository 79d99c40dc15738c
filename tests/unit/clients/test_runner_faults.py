"""`mqsim run` with the facades: crashing and restarting client scripts and brokers."""

from __future__ import annotations

import textwrap
from pathlib import Path

from mqsim.clients.runner import run

WORKER = """\
import time

import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
channel.queue_declare(queue="jobs")


def work(ch, method, properties, body):
    print("working on", body.decode(), "(redelivered)" if method.redelivered else "")
    time.sleep(5)
    ch.basic_ack(delivery_tag=method.delivery_tag)
    print("done with", body.decode())


channel.basic_consume(queue="jobs", on_message_callback=work)
channel.start_consuming()
"""

PUBLISH = """\
import sys

import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
channel.queue_declare(queue="jobs")
channel.basic_publish(exchange="", routing_key="jobs", body=sys.argv[1])
connection.close()
"""

KAFKA_CONSUMER = """\
from confluent_kafka import Consumer

consumer = Consumer(
    {"bootstrap.servers": "localhost:9092", "group.id": "g", "auto.offset.reset": "earliest"}
)
consumer.subscribe(["events"])
try:
    while True:
        msg = consumer.poll(1.0)
        if msg is not None and not msg.error():
            print("got", msg.value().decode())
finally:
    consumer.close()
"""

KAFKA_PRODUCER = """\
import time

from confluent_kafka import Producer

producer = Producer({"bootstrap.servers": "localhost:9092"})
for n in range(3):
    producer.produce("events", value=f"event-{n}")
    producer.flush()
    time.sleep(1)
"""


def scripts(folder: Path, **files: str) -> None:
    """Write each ``name=code`` as ``name.py`` in ``folder``."""
    for name, code in files.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(code), encoding="utf-8")


def test_a_worker_killed_before_its_ack_gets_the_message_again(tmp_path: Path) -> None:
    """RabbitMQ requeues the unacked message of a dead connection; the restarted worker
    gets it again, flagged redelivered."""
    scripts(tmp_path, worker=WORKER, publish=PUBLISH)
    result = run(
        ["worker.py &", "publish.py job-1"],
        cwd=tmp_path,
        until="20s",
        faults=["crash worker.py@2s", "restart worker.py@3s"],
    )
    assert result.text().splitlines()[:5] == [
        "[  0.000s worker.py] working on job-1 ",
        "[  2.000s mqsim] crash worker.py",
        "[  3.000s mqsim] restart worker.py",
        "[  3.000s worker.py] working on job-1 (redelivered)",
        "[  8.000s worker.py] done with job-1",
    ]
    first, second = result.steps[0].nodes
    assert [r.actor for r in result.world.trace.select("fault.crash")] == [first]
    # Interrupted at the horizon, the second run exits: the OS closes its connection.
    assert [r.actor for r in result.world.trace.select("node.exit")] == [second]


def test_a_kafka_consumer_crashed_before_committing_reads_again(tmp_path: Path) -> None:
    """Offsets auto-commit every 5 s; a consumer killed sooner leaves nothing committed,
    so its restarted self reads the same records again (once the group drops the dead one)."""
    scripts(tmp_path, consumer=KAFKA_CONSUMER, producer=KAFKA_PRODUCER)
    result = run(
        ["producer.py", "consumer.py &"],
        cwd=tmp_path,
        until="2m",
        faults=["crash consumer.py@7s", "restart consumer.py@7.5s"],
    )
    assert result.output("consumer.py") == ["got event-0", "got event-1", "got event-2"] * 2
    assert result.steps[1].runs == 2


def test_restarting_the_rabbitmq_broker_breaks_the_consumers_connection(tmp_path: Path) -> None:
    """A broker restart drops every connection: start_consuming raises StreamLostError,
    shown under the name the script imported, and the script fails."""
    scripts(tmp_path, worker=WORKER)
    result = run(["worker.py &", "sleep:1s"], cwd=tmp_path, faults=["restart localhost:5672@0.5s"])
    output = result.output("worker.py")
    assert output[-1].startswith("pika.exceptions.StreamLostError: ")
    assert result.steps[0].status == "failed"
    assert result.exit_code == 0, "a background failure does not fail the run"
