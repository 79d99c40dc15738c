"""producer.py COUNT PREFIX: write COUNT clicks named PREFIX-N."""

import os
import sys

from confluent_kafka import Producer

count, prefix = int(sys.argv[1]), sys.argv[2]
producer = Producer({"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092")})
for number in range(count):
    producer.produce("clicks", value=f"{prefix}-{number}")
producer.flush()
print(f"wrote {count} {prefix} clicks")
