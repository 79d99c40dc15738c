import os

from confluent_kafka import Consumer

# 1. Configure consumer
conf = {
    "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
    "group.id": "payment_group",
    "auto.offset.reset": "earliest",
}
consumer = Consumer(**conf)

# 2. Subscribe to topic
consumer.subscribe(["payments"])

# 3. Poll messages (this copy stops after four payments)
received = 0
while received < 4:
    msg = consumer.poll(1.0)
    if msg is None:
        continue
    if msg.error():
        print(f"Consumer error: {msg.error()}")
        continue
    received += 1
    key = msg.key().decode("utf-8") if msg.key() is not None else None
    ts_type, _ = msg.timestamp()
    print(f" [x] Received payment: {msg.value().decode('utf-8')}")
    print(
        f"     key={key} partition={msg.partition()} offset={msg.offset()} "
        f"headers={msg.headers()} timestamp_type={ts_type} topic={msg.topic()}"
    )
consumer.close()
print(" [*] Done")
