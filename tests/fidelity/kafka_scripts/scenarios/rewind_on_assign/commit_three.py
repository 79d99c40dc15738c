import os

from confluent_kafka import Consumer, TopicPartition

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "rebuilders",
    }
)
committed = consumer.commit(offsets=[TopicPartition("orders", 0, 3)], asynchronous=False)
print(f"committed {[(tp.topic, tp.partition, tp.offset, tp.error) for tp in committed]}")
consumer.close()
