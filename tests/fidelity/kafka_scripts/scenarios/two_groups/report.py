"""Wait until both services have committed all six payments, then show their offsets."""

import os
import time

from confluent_kafka import Consumer, TopicPartition

bootstrap = os.environ.get("BOOTSTRAP", "localhost:9092")
for group in ("invoice_service", "ledger_service"):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group})
    for _ in range(60):
        committed = consumer.committed([TopicPartition("payments", 0)], timeout=10)[0].offset
        if committed == 6:
            break
        time.sleep(1)
    print(f"{group} committed offset {committed}")
    consumer.close()
