"""Resume where the group left off; commit asynchronously and report it in on_commit."""

import os

from confluent_kafka import Consumer, TopicPartition

commits = []


def on_commit(err, partitions):
    commits.append((err, [(tp.partition, tp.offset) for tp in partitions]))


consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "ledger_service",
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
        "on_commit": on_commit,
    }
)
partition = TopicPartition("ledger", 0)
print(f"committed before: {consumer.committed([partition], timeout=10)[0].offset}")
consumer.subscribe(["ledger"])
offsets = []
while len(offsets) < 6:
    msg = consumer.poll(1.0)
    if msg is None or msg.error():
        continue
    offsets.append(msg.offset())
print(f"read offsets {offsets}")
print(f"position: {consumer.position([partition])[0].offset}")
consumer.commit(asynchronous=True)
for _ in range(20):
    if commits:
        break
    consumer.poll(0.5)
print(f"on_commit: {commits}")
print(f"committed: {consumer.committed([partition], timeout=10)[0].offset}")
msg = consumer.poll(2.0)
print(f"nothing more: {msg is None}")
consumer.close()
