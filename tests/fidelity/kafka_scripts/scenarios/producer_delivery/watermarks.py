"""Low and high watermarks of each partition, and the topic's metadata."""

import os

from confluent_kafka import Consumer, TopicPartition

consumer = Consumer(
    {"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"), "group.id": "audit"}
)
metadata = consumer.list_topics("payments", timeout=10)
partitions = sorted(metadata.topics["payments"].partitions)
print(f"payments has partitions {partitions}")
for partition in partitions:
    low, high = consumer.get_watermark_offsets(TopicPartition("payments", partition), timeout=10)
    print(f"partition {partition}: low={low} high={high}")
consumer.close()
