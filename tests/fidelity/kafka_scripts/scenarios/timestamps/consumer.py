import os

from confluent_kafka import TIMESTAMP_CREATE_TIME, Consumer

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "reading_replay",
        "auto.offset.reset": "earliest",
    }
)
start = 1_700_000_000_000
consumer.subscribe(["readings"])
seen = []
while len(seen) < 6:
    msg = consumer.poll(1.0)
    if msg is None or msg.error():
        continue
    kind, stamp = msg.timestamp()
    seen.append((msg.offset(), kind == TIMESTAMP_CREATE_TIME, (stamp - start) // 60_000))
print(f"offset, create time?, minute: {seen}")
consumer.close()
