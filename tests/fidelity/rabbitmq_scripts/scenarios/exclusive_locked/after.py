import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
try:
    channel.queue_declare(queue="private", passive=True)
    print(" [?] still there")
except pika.exceptions.ChannelClosedByBroker as error:
    print(f" [!] {error.reply_code} {error.reply_text}")
channel = connection.channel()
result = channel.queue_declare(queue="private", exclusive=True)
print(f" [x] Declared it again: {result.method.queue} {result.method.message_count}")
connection.close()
