import os

from confluent_kafka import Producer

producer = Producer({"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092")})
payments = [
    ("Ali", 5000),
    ("Fatima", 1200),
    ("Ahmad", 300),
    ("Sara", 750),
    ("Bilal", 80),
    ("Hina", 60),
]
for customer, amount in payments:
    producer.produce("payments", key=customer, value=str(amount))
producer.flush()
print(f"{len(payments)} payments sent")
