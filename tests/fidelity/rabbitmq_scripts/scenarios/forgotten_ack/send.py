import sys

import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
channel.queue_declare(queue="orders", durable=True)
for n in range(1, int(sys.argv[1]) + 1):
    channel.basic_publish(
        exchange="",
        routing_key="orders",
        body=f"order {n}",
        properties=pika.BasicProperties(delivery_mode=2),
    )
print(f" [x] Sent {sys.argv[1]} orders")
connection.close()
