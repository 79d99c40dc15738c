"""Process events forever (auto commit on); this one gets killed."""

import os

from confluent_kafka import Consumer

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "event_workers",
        "auto.offset.reset": "earliest",
        "session.timeout.ms": 6000,
    }
)
consumer.subscribe(["events"])
while True:
    msg = consumer.poll(1.0)
    if msg is None or msg.error():
        continue
    print(f"processed {msg.value().decode()}")
