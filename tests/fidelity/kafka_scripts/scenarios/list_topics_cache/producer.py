import os

from confluent_kafka import Producer

producer = Producer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "allow.auto.create.topics": False,
        "message.timeout.ms": 5000,
    }
)
producer.produce("paymnets", value="typo in the topic name")
print(f"flush: {producer.flush(30)}")
metadata = producer.list_topics(timeout=10)
print(f"all topics: {sorted(metadata.topics)}")
print(f"paymnets exists: {'paymnets' in metadata.topics}")
topic = producer.list_topics("paymnets", timeout=10).topics["paymnets"]
print(f"asked by name: error {topic.error.name()}, {len(topic.partitions)} partitions")
