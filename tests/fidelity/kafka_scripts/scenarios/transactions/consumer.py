import os

from confluent_kafka import Consumer, KafkaError, TopicPartition

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "auditors",
        "auto.offset.reset": "earliest",
        "isolation.level": "read_committed",
        "enable.partition.eof": True,
    }
)
consumer.subscribe(["transfers"])
seen = []
for _ in range(30):
    msg = consumer.poll(1.0)
    if msg is None:
        continue
    if msg.error():
        if msg.error().code() == KafkaError._PARTITION_EOF:
            print(f"end of partition at offset {msg.offset()}")
            break
        print(f"error: {msg.error()}")
        continue
    seen.append((msg.offset(), msg.value().decode()))
print(f"read {seen}")
print(f"watermarks {consumer.get_watermark_offsets(TopicPartition('transfers', 0), timeout=10)}")
consumer.close()
