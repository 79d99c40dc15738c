import os
import time

from confluent_kafka import Consumer

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "slow_workers",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "session.timeout.ms": 6000,
        "max.poll.interval.ms": 6000,
    }
)
consumer.subscribe(["work"])
jobs = []
for _ in range(60):
    msg = consumer.poll(1.0)
    if msg is None:
        continue
    if msg.error():
        # the text ends "exceeded by N ms": N depends on when the client noticed
        print(f"poll error: {msg.error().name()}: {msg.error().str().split(' by ')[0]}")
        continue
    jobs.append(msg.value().decode())
    print(f"working on {msg.value().decode()}")
    if len(jobs) == 1:
        time.sleep(9)  # too long: more than max.poll.interval.ms
    if len(jobs) == 4:
        break
print(f"jobs: {jobs}")
consumer.close()
