import json

import pika

params = pika.URLParameters("amqp://guest:guest@localhost:5672/%2F")
with pika.BlockingConnection(params) as connection:
    channel = connection.channel()
    channel.exchange_declare(exchange="orders", exchange_type="direct", durable=True)
    order = {"id": 1001, "customer": "Ahmad", "items": ["tea", "sugar"], "total": 12.5}
    properties = pika.BasicProperties(
        content_type="application/json",
        content_encoding="utf-8",
        headers={
            "source": "shop",
            "attempt": 1,
            "sent_ms": 1700000000000,
            "negative": -7,
            "flag": True,
            "nothing": None,
            "tags": ["a", 2, False],
            "nested": {"k": "v", "n": 3},
            "raw": b"\x00\x01",
        },
        delivery_mode=pika.DeliveryMode.Persistent,
        priority=3,
        correlation_id="corr-1",
        reply_to="replies",
        expiration="60000",
        message_id="msg-1",
        timestamp=1700000000,
        type="order.created",
        user_id="guest",
        app_id="shop-app",
    )
    channel.basic_publish(
        exchange="orders", routing_key="new", body=json.dumps(order), properties=properties
    )
    channel.basic_publish(exchange="orders", routing_key="new", body=b"")
    channel.basic_publish(exchange="orders", routing_key="new", body="stop")
    print(" [x] Sent order 1001, an empty message and stop")
print(f" [*] Connection closed by the with block: {connection.is_closed}")
