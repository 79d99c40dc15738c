import os

from confluent_kafka import Producer

# 1. Configure Kafka broker
conf = {"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092")}
producer = Producer(**conf)

# 2. Produce payment messages to the 'payments' topic
payments = [
    ("Ali", "Payment of 5000 PKR from Fatima"),
    ("Fatima", "Payment of 1200 PKR from Ahmad"),
    ("Ahmad", "Payment of 300 PKR from Ali"),
    (None, "Payment of 75 PKR, anonymous"),
]
for key, value in payments:
    producer.produce(
        "payments", key=key, value=value, headers=[("currency", b"PKR"), ("source", b"mobile")]
    )
producer.flush()
print(" [x] Messages sent to Kafka topic 'payments'")
