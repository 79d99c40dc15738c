"""retry-duplicates: without idempotence, producer retries duplicate and reorder records.

Setup: ``payments-api`` sends a payment every 10 ms for 2 s to ``payments`` (one
partition), keyed by account, with librdkafka's defaults (``acks=all``, ``retries`` and
``max.in.flight`` unlimited, ``enable.idempotence=false``); ``ledger`` reads them. Fault
plan: from t=0.5 s to t=1.0 s the network between the producer and the broker loses 30%
of the frames (requests and responses; which ones is seeded). The fix sets
``enable.idempotence=true``.
"""

from __future__ import annotations

from mqsim import confluent_kafka
from mqsim.labs.base import Lab
from mqsim.labs.kafka._common import BOOTSTRAP, create_topic, run
from mqsim.labs.registry import register
from mqsim.sim import Fault, World

PAYMENTS = 200
ACCOUNTS = 5
END = 90.0


def _scenario(world: World, fix: bool) -> None:
    create_topic("payments", 1)

    def payments_api() -> None:
        conf: dict[str, object] = {"bootstrap.servers": BOOTSTRAP, "client.id": "payments-api"}
        if fix:
            conf["enable.idempotence"] = True
        producer = confluent_kafka.Producer(conf)
        for i in range(PAYMENTS):
            account = f"account-{i % ACCOUNTS}"
            producer.produce("payments", key=account, value=f"{account} payment-{i}")
            world.sleep(0.01)  # the next request
            producer.poll(0)
        producer.flush(60)

    def ledger() -> None:
        consumer = confluent_kafka.Consumer(
            {
                "bootstrap.servers": BOOTSTRAP,
                "group.id": "ledger",
                "client.id": "ledger",
                "auto.offset.reset": "earliest",
            }
        )
        consumer.subscribe(["payments"])
        while True:
            consumer.poll(1.0)

    world.programs.spawn("payments-api", payments_api)
    world.programs.spawn("ledger", ledger)
    world.schedule(
        [Fault(0.5, "loss", a=("payments-api",), b=(BOOTSTRAP,), probability=0.3, until=1.0)]
    )
    run(world, END)


LAB = register(
    Lab(
        name="retry-duplicates",
        summary="producer retries duplicate and reorder records unless enable.idempotence=true",
        system="kafka",
        scenario=_scenario,
        mistake=(
            "payments-api keeps librdkafka's producer defaults: enable.idempotence=false with "
            "retries and max.in.flight unlimited; the network drops some frames."
        ),
        fix=(
            "'enable.idempotence': True (it implies acks=all, max.in.flight <= 5 and "
            "retries): the broker drops duplicate batches by producer id and sequence "
            "number and refuses out-of-order ones, so retries keep order and write once."
        ),
        explanation=(
            "A producer that gets no response within request.timeout.ms (30 s) cannot know "
            "whether the request or the response was lost, and retries the batch. If the "
            "response was lost, the broker already wrote the batch and writes it again: a "
            "duplicate. If the request was lost while later batches went through (several "
            "requests in flight on one connection, max.in.flight), the retried batch lands "
            "after them: the account's payments are reordered, although they have the same "
            "key. enable.idempotence=true gives the producer an id and numbers every batch "
            "per partition; the leader acknowledges a batch it already has without writing "
            "it, and rejects one that arrives after a gap (OUT_OF_ORDER_SEQUENCE_NUMBER) "
            "until the missing batch is retried, so each payment is written once, in order."
        ),
        look_at=(
            "The net.drop records between t=0.5 s and t=1 s: lost requests and lost "
            "responses look the same to the producer. 30 s later (request.timeout.ms) it "
            "retries them all: a duplicated payment has two msg.store records at two offsets "
            "(write the trace with --trace and look one up); a reordered one is stored after "
            "a later payment of the same account. With the fix the retries are answered "
            "without a second copy, in order."
        ),
        anomalies=("duplicated", "reordered"),
        story=("fault.loss", "net.drop"),
        horizon="120s",
    )
)
