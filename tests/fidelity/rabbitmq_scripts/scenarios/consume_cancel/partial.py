import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
channel.queue_declare(queue="jobs")
channel.basic_qos(prefetch_count=3)

for method, _properties, body in channel.consume("jobs"):
    print(f" [x] {body.decode()} tag={method.delivery_tag}")
    if method.delivery_tag <= 2:
        channel.basic_ack(method.delivery_tag)
    else:
        print(" [!] Leaving it unacked and stopping")
        break

print(f" [*] cancel() -> {channel.cancel()}")
# No delivery tags from here on: RabbitMQ may or may not redeliver the rejected messages to
# the consumer before it processes basic.cancel (pika then rejects them again), which shifts
# the tags of the gets below by two.
while True:
    method, properties, body = channel.basic_get("jobs")
    if method is None:
        print(" [*] basic_get: queue empty")
        break
    print(
        f" [x] basic_get {body.decode()}"
        f" redelivered={method.redelivered} message_count={method.message_count}"
    )
    channel.basic_ack(method.delivery_tag)
connection.close()
print(" [*] Closed: the unacked message goes back to the queue")
