"""Take over the group: what was committed, and what is read again."""

import os

from confluent_kafka import Consumer, TopicPartition

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "event_workers",
        "auto.offset.reset": "earliest",
        "session.timeout.ms": 6000,
    }
)
print(f"committed: {consumer.committed([TopicPartition('events', 0)], timeout=10)[0].offset}")
consumer.subscribe(["events"])
read, empty = [], 0
while len(read) < 5 and empty < 5:
    msg = consumer.poll(1.0)
    if msg is None:
        empty += 1 if consumer.assignment() else 0
        continue
    if not msg.error():
        read.append(msg.value().decode())
print(f"read again: {read}")
consumer.close()
