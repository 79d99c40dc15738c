import os

from confluent_kafka import Consumer

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "invoice_service",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    }
)
consumer.subscribe(["payments"])
invoices = 0
while invoices < 6:
    msg = consumer.poll(1.0)
    if msg is None or msg.error():
        continue
    invoices += 1
    print(f"invoice #{invoices} for {msg.key().decode()}: {msg.value().decode()} PKR")
    consumer.commit(message=msg, asynchronous=False)
consumer.close()
