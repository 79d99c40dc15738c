import os

from confluent_kafka import Producer

producer = Producer({"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092")})
for number in range(4):
    producer.produce("tasks", value=f"task-{number}")
producer.flush()
print("4 tasks")
