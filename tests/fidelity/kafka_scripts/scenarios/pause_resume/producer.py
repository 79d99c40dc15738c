import os

from confluent_kafka import Producer

producer = Producer({"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092")})
for number in range(4):
    producer.produce("jobs", value=f"urgent-{number}", partition=1)
    producer.produce("jobs", value=f"batch-{number}", partition=0)
producer.flush()
print("4 batch jobs on partition 0, 4 urgent jobs on partition 1")
