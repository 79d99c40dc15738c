"""Do the urgent jobs first: pause the batch partition until they are done."""

import os

from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "job_workers",
        "enable.auto.commit": False,
    }
)
batch, urgent = TopicPartition("jobs", 0), TopicPartition("jobs", 1)
consumer.assign(
    [TopicPartition("jobs", 0, OFFSET_BEGINNING), TopicPartition("jobs", 1, OFFSET_BEGINNING)]
)
consumer.pause([batch])
done = {0: [], 1: []}
empty_after_urgent = 0
while empty_after_urgent < 3:
    msg = consumer.poll(1.0)
    if msg is None:
        if len(done[1]) == 4:
            empty_after_urgent += 1
        continue
    if not msg.error():
        done[msg.partition()].append(msg.value().decode())
print(f"while paused: urgent {done[1]}, batch {done[0]}")
consumer.resume([batch])
while len(done[0]) < 4:
    msg = consumer.poll(1.0)
    if msg is not None and not msg.error():
        done[msg.partition()].append(msg.value().decode())
print(f"after resume: batch {done[0]}")
print(f"positions: {[tp.offset for tp in consumer.position([batch, urgent])]}")
consumer.close()
