"""Read up to three events (auto commit on), then close; give up after 10 empty polls."""

import os

from confluent_kafka import Consumer, TopicPartition

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "event_readers",
        "auto.offset.reset": "earliest",
        "session.timeout.ms": 6000,
    }
)
print(f"committed: {consumer.committed([TopicPartition('events', 0)], timeout=10)[0].offset}")
consumer.subscribe(["events"])
read, empty = [], 0
while len(read) < 3 and empty < 10:
    msg = consumer.poll(1.0)
    if msg is None:
        empty += 1 if consumer.assignment() else 0
        continue
    if msg.error():
        print(f"error: {msg.error()}")
        continue
    empty = 0
    read.append(msg.value().decode())
print(f"read {read}")
consumer.close()
