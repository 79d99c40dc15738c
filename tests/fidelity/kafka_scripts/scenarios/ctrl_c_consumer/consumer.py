import os

from confluent_kafka import Consumer

conf = {
    "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
    "group.id": "payment_group",
    "auto.offset.reset": "earliest",
}
consumer = Consumer(**conf)
consumer.subscribe(["payments"])
total = 0
print(" [*] Waiting for payments. To exit press CTRL+C")
try:
    while True:
        msg = consumer.poll(1.0)
        if msg is None:
            continue
        if msg.error():
            print(f"Consumer error: {msg.error()}")
            continue
        total += int(msg.value().decode("utf-8").split()[0])
        print(f" [x] Received payment: {msg.value().decode('utf-8')}")
except KeyboardInterrupt:
    print(f" [*] Interrupted; total received: {total} PKR")
finally:
    consumer.close()
    print(" [*] Consumer closed")
