"""Exercise 1 (RabbitMQ): Fatima's app receives order notifications.

It acknowledges each order only after handling it (auto_ack=False, the fix for the
tutorial's Mistake 1), so an order delivered just before the app dies is delivered again.
"""

import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
channel.queue_declare(queue="order_notifications", durable=True)
channel.basic_qos(prefetch_count=1)


def notify(ch, method, properties, body):
    again = " (delivered again)" if method.redelivered else ""
    print(f" [x] Fatima got: {body.decode()}{again}")
    ch.basic_ack(delivery_tag=method.delivery_tag)


channel.basic_consume(queue="order_notifications", on_message_callback=notify)
print(" [*] Fatima's app is online, waiting for orders")
try:
    channel.start_consuming()
except KeyboardInterrupt:
    print(" [*] Fatima's app is closing")
    connection.close()
