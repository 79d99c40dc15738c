import os

from confluent_kafka import Consumer


def on_assign(consumer, partitions):
    print(f"assigned {[(tp.topic, tp.partition) for tp in partitions]}")


consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "only_new",
        "auto.offset.reset": "latest",
    }
)
consumer.subscribe(["clicks"], on_assign=on_assign)
seen = []
for _ in range(30):
    msg = consumer.poll(1.0)
    if msg is not None and not msg.error():
        seen.append(f"{msg.offset()}:{msg.value().decode()}")
    if len(seen) == 2:
        break
print(f"latest: {seen}")
consumer.close()
