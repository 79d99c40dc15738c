"""Replay parts of a partition with assign() and seek()."""

import os

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, TopicPartition

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "replay",
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
    }
)
p0 = TopicPartition("history", 0)


def read(count, partition=0):
    """The next ``count`` messages of ``partition`` (others are skipped: how they interleave
    across partitions is not promised)."""
    values = []
    while len(values) < count:
        msg = consumer.poll(1.0)
        if msg is None:
            continue
        if msg.error():
            print(f"error: {msg.error()}")
            continue
        if msg.partition() == partition:
            values.append(f"{msg.partition()}:{msg.offset()}={msg.value().decode()}")
    return values


def position():
    return consumer.position([TopicPartition("history", 0)])[0].offset


consumer.assign([TopicPartition("history", 0, 2)])
print(f"assignment: {[(tp.topic, tp.partition) for tp in consumer.assignment()]}")
print(f"position before reading: {position()}")
print(f"read {read(3)}")
print(f"position: {position()}")
consumer.seek(TopicPartition("history", 0, 7))
print(f"position right after seek: {position()}")
print(f"read {read(1)}")
print(f"position: {position()}")
consumer.seek(TopicPartition("history", 0, 0))
print(f"read {read(2)}")
consumer.seek(TopicPartition("history", 0, 25))
print(f"after seeking past the end, read {read(1)}")
try:
    consumer.seek(TopicPartition("history", 1, 1))
except KafkaException as error:
    print(f"seek on an unassigned partition: {error.args[0].name()}")
consumer.incremental_assign([TopicPartition("history", 1, OFFSET_BEGINNING)])
print(f"assignment: {sorted((tp.topic, tp.partition) for tp in consumer.assignment())}")
print(f"read from partition 1: {read(3, partition=1)}")
for partition in (0, 1):
    low, high = consumer.get_watermark_offsets(TopicPartition("history", partition), timeout=10)
    print(f"watermarks of partition {partition}: {low} {high}")
print(f"committed: {consumer.committed([p0], timeout=10)[0].offset}")
consumer.close()
