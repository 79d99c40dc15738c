import os

from confluent_kafka import Producer

producer = Producer({"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092")})
for topic in ("payments", "payouts", "refunds"):
    producer.produce(topic, value=f"one {topic[:-1]}")
producer.flush()
print("one message on each topic")
