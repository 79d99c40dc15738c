import os

from confluent_kafka import Consumer

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "ledger_readers",
        "auto.offset.reset": "earliest",
    }
)
consumer.subscribe(["ledger"])
msg = None
while msg is None or msg.error():
    msg = consumer.poll(1.0)
print(f"read offset {msg.offset()}, leader epoch {msg.leader_epoch()}")
for tp in consumer.assignment():
    print(f"assignment: {tp}")
for tp in consumer.position(consumer.assignment()):
    print(f"position: {tp}")
consumer.close()
