"""Twelve orders keyed by customer; crc32(key) % 6 puts two on each partition."""

import os

from confluent_kafka import Producer

producer = Producer({"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092")})
customers = [
    "Imran",
    "Sana",
    "Adnan",
    "Nadia",
    "Ali",
    "Bilal",
    "Sara",
    "Noor",
    "Ahmad",
    "Hina",
    "Fatima",
    "Ayesha",
]
for number, customer in enumerate(customers):
    producer.produce("orders", key=customer, value=f"order-{number}")
producer.flush()
print(f"sent {len(customers)} orders")
