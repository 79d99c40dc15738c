"""Read three entries in another group and stop without committing."""

import os

from confluent_kafka import Consumer, TopicPartition

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "audit_service",
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
    }
)
consumer.subscribe(["ledger"])
offsets = []
while len(offsets) < 3:
    msg = consumer.poll(1.0)
    if msg is not None and not msg.error():
        offsets.append(msg.offset())
print(f"read offsets {offsets}, not committed")
print(f"committed: {consumer.committed([TopicPartition('ledger', 0)], timeout=10)[0].offset}")
consumer.close()
