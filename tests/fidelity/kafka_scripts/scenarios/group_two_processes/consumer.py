"""An order worker: subscribe, process until it has its share (6 orders), commit, close."""

import os
import sys
import time

from confluent_kafka import Consumer

name = sys.argv[1]
consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "order_workers",
        "client.id": name,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    }
)
done = False


def on_assign(consumer, partitions):
    if not done:
        print(f"assigned {len(partitions)} partitions of {sorted({p.topic for p in partitions})}")


def on_revoke(consumer, partitions):
    if not done:
        print(f"revoked {len(partitions)} partitions")


consumer.subscribe(["orders"], on_assign=on_assign, on_revoke=on_revoke)
seen = {}
for _ in range(120):
    msg = consumer.poll(1.0)
    if msg is None:
        continue
    if msg.error():
        print(f"error: {msg.error()}")
        continue
    seen.setdefault(msg.partition(), []).append(msg.offset())
    if sum(len(offsets) for offsets in seen.values()) == 6:
        break
positions = consumer.position(consumer.assignment())
print(
    f"processed 6 orders from {len(seen)} partitions, offsets per partition: "
    f"{sorted(offsets for offsets in seen.values())}"
)
print(f"positions: {sorted(tp.offset for tp in positions)}")
consumer.commit(asynchronous=False)
done = True  # later rebalances depend on when the other worker leaves: not printed
time.sleep(2)  # let the other worker commit too before the group rebalances (the mock
# refuses commits while a rebalance is in progress)
consumer.close()
print("closed")
