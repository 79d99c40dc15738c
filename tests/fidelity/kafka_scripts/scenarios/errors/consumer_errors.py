"""Mistakes with a consumer."""

import os

from confluent_kafka import Consumer, KafkaException

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "careless",
    }
)
try:
    consumer.commit(asynchronous=False)
except KafkaException as error:
    print(f"commit with nothing consumed: {error.args[0].name()}: {error.args[0].str()}")
consumer.close()
try:
    consumer.poll(1.0)
except RuntimeError as error:
    print(f"poll after close: RuntimeError: {error}")
try:
    consumer.subscribe(["payments"])
except RuntimeError as error:
    print(f"subscribe after close: RuntimeError: {error}")
