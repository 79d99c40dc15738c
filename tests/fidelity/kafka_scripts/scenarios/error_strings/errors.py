import os

from confluent_kafka import Consumer, KafkaException, Producer

bootstrap = os.environ.get("BOOTSTRAP", "localhost:9092")


def first_error(config, topic):
    consumer = Consumer({"bootstrap.servers": bootstrap, **config})
    consumer.subscribe([topic])
    try:
        for _ in range(30):
            msg = consumer.poll(1.0)
            if msg is not None and msg.error():
                return msg.error()
        return None
    finally:
        consumer.close()


for label, config, topic in [
    ("unknown topic", {"group.id": "e1"}, "no_such_topic"),
    ("no offset", {"group.id": "e2", "auto.offset.reset": "error"}, "payments"),
    ("end of partition", {"group.id": "e3", "enable.partition.eof": True}, "payments"),
]:
    error = first_error(config, topic)
    print(f"{label}: Consumer error: {error}")
    print(f"{label}: repr {error!r}, code {error.code()}")

try:
    Producer({"bootstrap.servers": bootstrap, "linger.ms": "soon"})
except KafkaException as exception:
    print(f"config: {exception}")
    print(f"config: repr {exception!r}, args {exception.args!r}")

producer = Producer({"bootstrap.servers": bootstrap})
try:
    producer.produce("payments", value=b"x" * 2_000_000)
except KafkaException as exception:
    print(f"too large: {exception}")
    print(f"too large: code {exception.args[0].code()}")
