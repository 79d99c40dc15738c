"""Exercise 2 (Kafka): a payment app in Islamabad streams transactions to 'payments'.

The customer is the record key, so one customer's payments stay in one partition, in order.
"""

from confluent_kafka import Producer

PAYMENTS = [("Ali", 5000), ("Fatima", 1200), ("Ahmad", 750), ("Ali", 300), ("Sara", 2500)]

producer = Producer({"bootstrap.servers": "localhost:9092"})


def delivered(err, msg):
    if err is not None:
        print(f" [!] Payment not delivered: {err}")
    else:
        print(f" [x] Stored {msg.key().decode()}'s payment in partition {msg.partition()}")


for customer, amount in PAYMENTS:
    value = f"Payment of {amount} PKR from {customer}"
    producer.produce("payments", key=customer, value=value, callback=delivered)
producer.flush()
