# Acks in batches of two with multiple=True; the sixth delivery is left unacked at close.
import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
declared = channel.queue_declare(queue="orders", durable=True)
print(f" [*] {declared.method.message_count} ready")
channel.basic_qos(prefetch_count=10)
seen = 0
for method, properties, body in channel.consume("orders", inactivity_timeout=1):
    if method is None:
        break
    seen = method.delivery_tag
    print(
        f" [x] {body.decode()} redelivered={method.redelivered} tag={method.delivery_tag}"
        f" persistent={properties.delivery_mode == 2}"
    )
    if seen % 2 == 0 and seen < 6:
        channel.basic_ack(method.delivery_tag, multiple=True)
        print(f"     acked up to tag {method.delivery_tag}")
channel.cancel()
connection.close()
