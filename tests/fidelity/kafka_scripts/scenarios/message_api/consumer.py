import os

from confluent_kafka import Consumer

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "profile_reader",
        "auto.offset.reset": "earliest",
    }
)
consumer.subscribe(["profiles"])
count = 0
while count < 5:
    msg = consumer.poll(1.0)
    if msg is None or msg.error():
        continue
    count += 1
    print(
        f"offset {msg.offset()}: key={msg.key()!r} value={msg.value()!r} "
        f"headers={msg.headers()!r} len={len(msg)} error={msg.error()} "
        f"topic={msg.topic()} partition={msg.partition()}"
    )
consumer.close()
