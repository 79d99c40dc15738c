"""Take tasks but mark only the first two as done (stored); close commits what is stored."""

import os

from confluent_kafka import Consumer, TopicPartition

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "task_workers",
        "auto.offset.reset": "earliest",
        "enable.auto.offset.store": False,
        "session.timeout.ms": 6000,
    }
)
consumer.subscribe(["tasks"])
taken = 0
while taken < 4:
    msg = consumer.poll(1.0)
    if msg is None or msg.error():
        continue
    taken += 1
    if taken <= 2:
        stored = consumer.store_offsets(message=msg)
        print(f"done {msg.value().decode()}, store_offsets returned {stored}")
    else:
        print(f"took {msg.value().decode()} but did not finish it")
print(f"committed before close: {consumer.committed([TopicPartition('tasks', 0)])[0].offset}")
consumer.close()
