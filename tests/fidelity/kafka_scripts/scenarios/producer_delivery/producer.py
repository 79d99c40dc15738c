"""Send payments keyed by customer; the delivery callback reports partition and offset."""

import os

from confluent_kafka import Producer

producer = Producer({"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092")})
reports = {}


def delivery_report(err, msg):
    if err is not None:
        print(f"delivery failed for {msg.key()}: {err}")
        return
    key = msg.key().decode() if msg.key() is not None else "-"
    reports.setdefault(msg.partition(), []).append(f"{key}@{msg.offset()}={msg.value().decode()}")


payments = [
    ("Ali", 5000),
    ("Fatima", 1200),
    ("Ahmad", 300),
    ("Sara", 750),
    ("Ali", 80),
    ("Hina", 60),
    ("Fatima", 990),
    ("Noor", 45),
    ("Zain", 2500),
    ("Ali", 10),
]
for customer, amount in payments:
    producer.produce("payments", key=customer, value=f"{amount} PKR", callback=delivery_report)
print(f"queued: {len(producer)}")
remaining = producer.flush(10)
print(f"flush returned {remaining}, queued now: {len(producer)}")
# Delivery order is promised per partition only, so print partition by partition.
for partition in sorted(reports):
    print(f"partition {partition}: {' '.join(reports[partition])}")

producer.produce("payments", value="to partition 1", partition=1, on_delivery=delivery_report)
producer.poll(0)
producer.flush()
print(f"explicit partition: {reports[1][-1]}")
