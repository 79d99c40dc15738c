import os
import time

from confluent_kafka import Producer

producer = Producer({"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092")})
reports = []


def report(err, msg):
    reports.append((err.name() if err else None, msg.partition(), msg.offset()))


for number in range(3):
    producer.produce("notes", value=f"note-{number}", partition=0, on_delivery=report)
print(f"right after produce: len {len(producer)}")
time.sleep(2)
print(f"after 2 s without poll: len {len(producer)}, reports {reports}")
print(f"poll(0) served {producer.poll(0)}: len {len(producer)}, reports {reports}")
reports.clear()

for number in range(3):
    producer.produce("notes", value=f"draft-{number}", partition=1, on_delivery=report)
producer.purge()
print(f"after purge: len {len(producer)}, reports {reports}")
print(f"flush: {producer.flush(10)}, len {len(producer)}, reports {reports}")
