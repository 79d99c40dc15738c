"""Eight orders; crc32(key) % 4 puts two on each partition."""

import os

from confluent_kafka import Producer

producer = Producer({"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092")})
customers = ["Ahmad", "Bilal", "Sara", "Ayesha", "Ali", "Usman", "Fatima", "Noor"]
for number, customer in enumerate(customers):
    producer.produce("orders", key=customer, value=f"order-{number}")
producer.flush()
print("8 orders")
