import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
declared = channel.queue_declare(queue="inbox")
print(
    f" [*] inbox: {declared.method.message_count} ready, {declared.method.consumer_count} consumers"
)

nacked = False
while True:
    method, properties, body = channel.basic_get(queue="inbox")
    if method is None:
        print(f" [*] Empty: {(method, properties, body)}")
        break
    text = body.decode()
    print(
        f" [x] Got {text} tag={method.delivery_tag} redelivered={method.redelivered}"
        f" message_count={method.message_count} exchange={method.exchange!r}"
        f" routing_key={method.routing_key!r} content_type={properties.content_type}"
    )
    if text == "b" and not nacked:
        nacked = True
        channel.basic_nack(delivery_tag=method.delivery_tag, requeue=True)
        print("     nack, requeue=True")
    elif text == "c":
        channel.basic_reject(delivery_tag=method.delivery_tag, requeue=False)
        print("     reject, requeue=False: dropped")
    else:
        channel.basic_ack(delivery_tag=method.delivery_tag)

channel.basic_publish(exchange="", routing_key="inbox", body="late")
method, properties, body = channel.basic_get(queue="inbox", auto_ack=True)
print(f" [x] auto_ack get {body!r} tag={method.delivery_tag} message_count={method.message_count}")
connection.close()
