import os

from confluent_kafka import Producer

producer = Producer({"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092")})
for number in range(3):
    producer.produce("work", value=f"job-{number}")
producer.flush()
print("3 jobs")
