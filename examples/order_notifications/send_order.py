"""Exercise 1 (RabbitMQ): Ahmad sends order notifications to Fatima, one a second.

Usage: send_order.py ORDER_ID...  Each order is a persistent message on the durable queue
'order_notifications', so it waits in RabbitMQ while Fatima's app is offline.
"""

import sys
import time

import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
channel.queue_declare(queue="order_notifications", durable=True)

for order_id in sys.argv[1:]:
    body = f"Order #{order_id} from Ahmad in Lahore"
    channel.basic_publish(
        exchange="",
        routing_key="order_notifications",
        body=body,
        properties=pika.BasicProperties(delivery_mode=2),  # persistent
    )
    print(f" [x] Sent {body!r}")
    time.sleep(1)

connection.close()
