"""Wait until group order_workers has committed all 12 orders; show its offsets."""

import os
import time

from confluent_kafka import Consumer, TopicPartition

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "order_workers",
    }
)
partitions = [TopicPartition("orders", p) for p in range(6)]
for _ in range(60):
    committed = consumer.committed(partitions, timeout=10)
    if sum(max(tp.offset, 0) for tp in committed) == 12:
        break
    time.sleep(1)
print("committed:", [(tp.partition, tp.offset) for tp in committed])
consumer.close()
