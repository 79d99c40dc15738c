import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
channel.queue_declare(queue="private", exclusive=True)
print(" [*] Waiting: declared exclusive queue 'private'")
connection.sleep(3)
declared = channel.queue_declare(queue="private", passive=True)
print(f" [*] 'private' holds {declared.method.message_count} message(s)")
method, properties, body = channel.basic_get("private", auto_ack=True)
print(f" [x] Got {body!r}")
connection.close()
print(" [*] Closed the owner connection")
