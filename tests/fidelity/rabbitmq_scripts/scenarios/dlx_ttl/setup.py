import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
channel.exchange_declare(exchange="dlx", exchange_type="fanout")
channel.queue_declare(queue="dead")
channel.queue_bind(queue="dead", exchange="dlx")
channel.queue_declare(queue="jobs", arguments={"x-dead-letter-exchange": "dlx"})
channel.queue_declare(
    queue="slow",
    arguments={"x-dead-letter-exchange": "dlx", "x-message-ttl": 3000},
)

channel.basic_publish(exchange="", routing_key="jobs", body="reject-me")
channel.basic_publish(
    exchange="",
    routing_key="jobs",
    body="short-lived",
    properties=pika.BasicProperties(expiration="200"),
)
channel.basic_publish(exchange="", routing_key="slow", body="expire-me")
print(" [x] Set up jobs (DLX) and slow (DLX, TTL 3 s); published 3 messages")
connection.close()
