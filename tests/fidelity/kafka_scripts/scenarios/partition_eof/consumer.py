"""Read every partition to its end, then one more message."""

import os

from confluent_kafka import Consumer, KafkaError, Producer

bootstrap = os.environ.get("BOOTSTRAP", "localhost:9092")
consumer = Consumer(
    {
        "bootstrap.servers": bootstrap,
        "group.id": "eof_watcher",
        "auto.offset.reset": "earliest",
        "enable.partition.eof": True,
    }
)
consumer.subscribe(["payments"])


def read_to_end(partitions):
    messages, eofs = [], []
    for _ in range(60):
        msg = consumer.poll(1.0)
        if msg is None:
            continue
        error = msg.error()
        if error is None:
            messages.append((msg.partition(), msg.offset(), msg.key().decode()))
        elif error.code() == KafkaError._PARTITION_EOF:
            eofs.append((msg.partition(), msg.offset()))
            if {p for p, _ in eofs} >= partitions:
                break
        else:
            print(f"error: {error}")
    return sorted(messages), sorted(eofs)


messages, eofs = read_to_end({0, 1, 2})
print(f"messages: {messages}")
print(f"end of partition events: {eofs}")

producer = Producer({"bootstrap.servers": bootstrap})
producer.produce("payments", key="Ali", value="late payment")  # crc32("Ali") % 3 == 2
producer.flush()
messages, eofs = read_to_end({2})
print(f"then: messages {messages}, end of partition events {eofs}")

msg = None
consumer.unsubscribe()
consumer.close()
