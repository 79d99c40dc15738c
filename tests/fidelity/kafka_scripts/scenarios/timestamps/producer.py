import os

from confluent_kafka import Producer

producer = Producer({"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092")})
start = 1_700_000_000_000  # milliseconds since the epoch
for number in range(6):
    producer.produce("readings", value=f"reading-{number}", timestamp=start + 60_000 * number)
producer.flush()
print("6 readings, one a minute")
