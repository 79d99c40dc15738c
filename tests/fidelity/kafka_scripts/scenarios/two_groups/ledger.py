import os

from confluent_kafka import Consumer

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "ledger_service",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    }
)
consumer.subscribe(["payments"])
balance, entries = 0, 0
while entries < 6:
    for msg in consumer.consume(num_messages=10, timeout=1.0):
        if msg.error():
            continue
        entries += 1
        balance += int(msg.value())
        print(f"ledger entry {msg.offset()}: {msg.key().decode()} +{msg.value().decode()}")
consumer.commit(asynchronous=False)
print(f"balance {balance} PKR after {entries} entries")
consumer.close()
