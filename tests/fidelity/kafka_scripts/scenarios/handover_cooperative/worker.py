"""worker.py ROLE STRATEGY: process 4 orders, commit; the leaver then closes, the stayer
waits until it owns all 4 partitions and checks that nothing is left to read."""

import os
import sys
import time

from confluent_kafka import Consumer

role, strategy = sys.argv[1], sys.argv[2]
events = []
consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": f"handover-{strategy}",
        "client.id": role,
        "partition.assignment.strategy": strategy,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "session.timeout.ms": 6000,
        "heartbeat.interval.ms": 1000,
    }
)


def on_assign(consumer, partitions):
    if partitions:
        events.append(f"assign {len(partitions)}")


def on_revoke(consumer, partitions):
    if partitions:
        events.append(f"revoke {len(partitions)}")


consumer.subscribe(["orders"], on_assign=on_assign, on_revoke=on_revoke)
read = []
for _ in range(60):
    msg = consumer.poll(1.0)
    if msg is not None and not msg.error():
        read.append(msg.offset())
    if len(read) == 4:
        break
consumer.commit(asynchronous=False)
print(f"{role}: processed {len(read)} orders, offsets {sorted(read)}")
if role == "stayer":
    for _ in range(60):
        msg = consumer.poll(1.0)
        if msg is not None and not msg.error():
            read.append(msg.offset())
        if len(consumer.assignment()) == 4:
            break
    for _ in range(3):
        msg = consumer.poll(1.0)
        if msg is not None and not msg.error():
            read.append(msg.offset())
    print(f"{role}: owns {len(consumer.assignment())} partitions, read {len(read)} in all")
else:
    time.sleep(2)  # let the stayer commit before the group rebalances (the mock refuses
    # commits while a rebalance is in progress)
consumer.close()
print(f"{role}: callbacks {events}")
