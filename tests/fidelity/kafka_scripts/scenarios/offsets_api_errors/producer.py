import os

from confluent_kafka import Producer

producer = Producer({"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092")})
for number in range(2):
    producer.produce("ledger", value=f"entry-{number}")
producer.flush()
print("2 entries")
