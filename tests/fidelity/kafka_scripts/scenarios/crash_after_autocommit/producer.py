import os

from confluent_kafka import Producer

producer = Producer({"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092")})
for number in range(5):
    producer.produce("events", value=f"event-{number}")
producer.flush()
print("5 events")
