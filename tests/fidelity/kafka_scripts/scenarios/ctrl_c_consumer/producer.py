import os

from confluent_kafka import Producer

producer = Producer({"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092")})
for amount, sender in [(5000, "Fatima"), (1200, "Ahmad"), (300, "Ali")]:
    producer.produce("payments", key=sender, value=f"{amount} PKR from {sender}")
    producer.poll(0)
producer.flush()
print(" [x] 3 payments sent")
