import os

from confluent_kafka import Consumer


def on_assign(consumer, partitions):
    print(f"assigned {sorted((tp.topic, tp.partition) for tp in partitions)}")


consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "money_out",
        "auto.offset.reset": "earliest",
    }
)
consumer.subscribe(["^pay.*"], on_assign=on_assign)
seen = []
while len(seen) < 2:
    msg = consumer.poll(1.0)
    if msg is not None and not msg.error():
        seen.append((msg.topic(), msg.value().decode()))
print(f"read {sorted(seen)}")
consumer.close()
