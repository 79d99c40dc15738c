"""The same group as third.py: nothing was committed, so it starts from the beginning."""

import os

from confluent_kafka import Consumer

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "audit_service",
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
    }
)
consumer.subscribe(["ledger"])
msg = None
while msg is None or msg.error():
    msg = consumer.poll(1.0)
print(f"first offset read: {msg.offset()} ({msg.key().decode()})")
consumer.close()
