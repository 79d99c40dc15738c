import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
channel.queue_declare(queue="jobs")
channel.basic_qos(prefetch_count=2)

print(" [*] Waiting for messages")
handled = 0
for method, properties, body in channel.consume("jobs", inactivity_timeout=2):
    if method is None:
        print(f" [*] No message for 2 s: {(method, properties, body)}")
        break
    handled += 1
    print(f" [x] {body.decode()} tag={method.delivery_tag} redelivered={method.redelivered}")
    channel.basic_ack(method.delivery_tag)

print(f" [*] cancel() -> {channel.cancel()}")
print(f" [*] Handled {handled} job(s)")
declared = channel.queue_declare(queue="jobs", passive=True)
print(f" [*] {declared.method.message_count} message(s) left in the queue")
connection.close()
