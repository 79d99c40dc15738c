"""Configuration mistakes raise when the client is created."""

import os

from confluent_kafka import Consumer, KafkaException, Producer

bootstrap = os.environ.get("BOOTSTRAP", "localhost:9092")
attempts = [
    ("unknown property", Producer, {"bootstrap.servers": bootstrap, "no.such.property": 1}),
    ("misspelled property", Producer, {"bootstrap.server": bootstrap}),
    (
        "bad enum value",
        Consumer,
        {"bootstrap.servers": bootstrap, "group.id": "g", "auto.offset.reset": "sometimes"},
    ),
    ("bad number", Producer, {"bootstrap.servers": bootstrap, "linger.ms": "soon"}),
    ("out of range", Producer, {"bootstrap.servers": bootstrap, "acks": 7}),
    ("no group.id", Consumer, {"bootstrap.servers": bootstrap}),
]
for label, client, config in attempts:
    try:
        client(config)
        print(f"{label}: created")
    except KafkaException as error:
        kafka_error = error.args[0]
        print(f"{label}: KafkaException {kafka_error.name()}: {kafka_error.str()}")
    except (ValueError, TypeError) as error:
        print(f"{label}: {type(error).__name__}: {error}")
