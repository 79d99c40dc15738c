import os

from confluent_kafka import Consumer, TopicPartition

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "task_workers",
        "auto.offset.reset": "earliest",
        "session.timeout.ms": 6000,
    }
)
print(f"committed: {consumer.committed([TopicPartition('tasks', 0)])[0].offset}")
consumer.subscribe(["tasks"])
msg = None
while msg is None or msg.error():
    msg = consumer.poll(1.0)
print(f"next worker starts with {msg.value().decode()} at offset {msg.offset()}")
consumer.close()
