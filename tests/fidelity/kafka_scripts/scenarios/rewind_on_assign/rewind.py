import os

from confluent_kafka import OFFSET_BEGINNING, Consumer


def rewind(consumer, partitions):
    print(f"on_assign offsets: {[tp.offset for tp in partitions]}")
    for partition in partitions:
        partition.offset = OFFSET_BEGINNING
    consumer.assign(partitions)


consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "rebuilders",
        "enable.auto.commit": False,
    }
)
consumer.subscribe(["orders"], on_assign=rewind)
seen = []
while len(seen) < 5:
    msg = consumer.poll(1.0)
    if msg is not None and not msg.error():
        seen.append(msg.value().decode())
print(f"rebuilt from {seen}")
consumer.close()
