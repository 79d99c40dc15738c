"""Exercise 2 (Kafka): one service reading every payment, as its own consumer group.

Usage: payment_service.py GROUP  (invoice_service, ledger_service, ...). Each group reads
the whole topic independently; consumers sharing a group split its partitions.
"""

import sys

from confluent_kafka import Consumer

group = sys.argv[1]
consumer = Consumer(
    {
        "bootstrap.servers": "localhost:9092",
        "group.id": group,
        "auto.offset.reset": "earliest",
    }
)
consumer.subscribe(["payments"])
try:
    while True:
        msg = consumer.poll(1.0)
        if msg is None:
            continue
        if msg.error():
            print(f"Consumer error: {msg.error()}")
            continue
        where = f"partition {msg.partition()}, offset {msg.offset()}"
        print(f" [{group}] {msg.value().decode()} ({where})")
except KeyboardInterrupt:
    pass
finally:
    consumer.close()
