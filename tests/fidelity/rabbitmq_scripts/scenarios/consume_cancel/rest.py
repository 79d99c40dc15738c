import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
declared = channel.queue_declare(queue="jobs", passive=True)
print(f" [*] {declared.method.message_count} message(s) in the queue")
for method, _properties, body in channel.consume("jobs", auto_ack=True, inactivity_timeout=1):
    if method is None:
        break
    print(f" [x] {body.decode()} tag={method.delivery_tag} redelivered={method.redelivered}")
channel.cancel()
connection.close()
