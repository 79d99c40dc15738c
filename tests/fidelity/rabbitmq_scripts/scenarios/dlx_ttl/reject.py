import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
method, properties, body = channel.basic_get("jobs")
print(f" [x] Got {body!r} expiration={properties.expiration}; rejecting without requeue")
channel.basic_reject(method.delivery_tag, requeue=False)
connection.close()
