import os

from confluent_kafka import Producer

producer = Producer({"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092")})
for number in range(10):
    producer.produce("ledger", key=f"entry-{number}", value=f"{100 * (number + 1)} PKR")
producer.flush()
print("10 ledger entries written")
