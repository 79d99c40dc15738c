import os

from confluent_kafka import Consumer

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "from_the_start",
        "auto.offset.reset": "earliest",
    }
)
consumer.subscribe(["clicks"])
seen = []
while len(seen) < 5:
    msg = consumer.poll(1.0)
    if msg is not None and not msg.error():
        seen.append(f"{msg.offset()}:{msg.value().decode()}")
print(f"earliest: {seen}")
consumer.close()
