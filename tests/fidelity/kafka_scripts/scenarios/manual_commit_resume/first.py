"""Process four entries, committing each one synchronously after processing it."""

import os

from confluent_kafka import OFFSET_INVALID, Consumer, TopicPartition

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "ledger_service",
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
    }
)
partition = TopicPartition("ledger", 0)
committed = consumer.committed([partition], timeout=10)[0]
invalid = committed.offset == OFFSET_INVALID
print(f"committed before: {committed.offset} (OFFSET_INVALID: {invalid})")
consumer.subscribe(["ledger"])
processed = 0
while processed < 4:
    msg = consumer.poll(1.0)
    if msg is None or msg.error():
        continue
    print(f"processing {msg.key().decode()} at offset {msg.offset()}: {msg.value().decode()}")
    result = consumer.commit(message=msg, asynchronous=False)
    print(f"  committed {[(tp.topic, tp.partition, tp.offset) for tp in result]}")
    processed += 1
print(f"committed: {consumer.committed([partition], timeout=10)[0].offset}")
print(f"position: {consumer.position([partition])[0].offset}")
print(f"watermarks: {consumer.get_watermark_offsets(partition, timeout=10)}")
consumer.close()
