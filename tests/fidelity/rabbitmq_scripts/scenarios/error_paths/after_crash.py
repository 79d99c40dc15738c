import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
declared = channel.queue_declare(queue="plain", passive=True)
print(f" [*] plain still holds {declared.method.message_count} message(s)")
connection.close()
