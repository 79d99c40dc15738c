import json

import pika

credentials = pika.PlainCredentials("guest", "guest")
parameters = pika.ConnectionParameters("localhost", 5672, "/", credentials)
connection = pika.BlockingConnection(parameters)
channel = connection.channel()
channel.exchange_declare(exchange="orders", exchange_type="direct", durable=True)
result = channel.queue_declare(queue="order_events", durable=True)
print(f" [*] Declared {result.method.queue}: {result.method}")
channel.queue_bind(exchange="orders", queue="order_events", routing_key="new")


def callback(ch, method, properties, body):
    print(
        f" [x] {method.NAME} exchange={method.exchange} routing_key={method.routing_key}"
        f" delivery_tag={method.delivery_tag} redelivered={method.redelivered}"
    )
    tag = method.consumer_tag
    print(f"     consumer_tag shape: {tag[:6]!r} + {len(tag) - 6} chars")
    print(f"     {properties}")
    print(f"     type(body)={type(body).__name__} len={len(body)}")
    if properties.content_type == "application/json":
        order = json.loads(body)
        print(
            f"     order {order['id']} for {order['customer']}: {order['items']} {order['total']}"
        )
        for key in sorted(properties.headers):
            value = properties.headers[key]
            print(f"     header {key}={value!r} ({type(value).__name__})")
    ch.basic_ack(method.delivery_tag)
    if body == b"stop":
        ch.stop_consuming()


tag = channel.basic_consume(queue="order_events", on_message_callback=callback)
print(f" [*] basic_consume returned a tag of shape {tag[:6]!r} + {len(tag) - 6} chars")
print(" [*] Waiting for orders")
channel.start_consuming()
connection.close()
