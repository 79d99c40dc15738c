import os

from confluent_kafka import Producer

producer = Producer({"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092")})
for number in range(6):
    producer.produce("events", value=f"event-{number}")
producer.flush()
print("6 events written")
