"""Two payments land on partition 0, three on partition 1, none on partition 2."""

import os

from confluent_kafka import Producer

producer = Producer({"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092")})
for customer in ["Sara", "Ahmad", "Noor", "Hina", "Zain"]:
    producer.produce("payments", key=customer, value=f"payment from {customer}")
producer.flush()
print("5 payments written")
