import os

from confluent_kafka import Producer

producer = Producer({"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092")})
for number in range(10):
    producer.produce("history", value=f"p0-{number}", partition=0)
for number in range(3):
    producer.produce("history", value=f"p1-{number}", partition=1)
producer.flush()
print("10 messages to partition 0, 3 to partition 1")
