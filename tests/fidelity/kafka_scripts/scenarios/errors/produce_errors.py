"""Mistakes when producing."""

import os

from confluent_kafka import KafkaException, Producer

producer = Producer({"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092")})
producer.produce("payments", key="Ali", value="ok")
print(f"flush: {producer.flush(10)}")

try:
    producer.produce("payments", value=b"x" * 2_000_000)
except KafkaException as error:
    print(f"too large: {error.args[0].name()}: {error.args[0].str()}")

try:
    producer.produce("payments", value=5000)
except TypeError as error:
    print(f"int value: TypeError: {error}")

reports = []
producer.produce(
    "payments",
    key="Fatima",
    value="fine",
    on_delivery=lambda err, msg: reports.append((err, msg.partition(), msg.offset())),
)
print(f"flush: {producer.flush(10)}, reports: {reports}")
