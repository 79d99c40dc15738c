import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
declared = channel.queue_declare(queue="payments", passive=True)
print(f" [*] {declared.method.message_count} payment(s) back in the queue")
while True:
    method, properties, body = channel.basic_get("payments", auto_ack=True)
    if method is None:
        break
    print(f" [x] {body.decode()} redelivered={method.redelivered}")
connection.close()
