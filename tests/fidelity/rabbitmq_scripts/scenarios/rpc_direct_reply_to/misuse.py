import pika

REPLY_TO = "amq.rabbitmq.reply-to"

connection = pika.BlockingConnection(pika.ConnectionParameters(host="localhost"))

# 1. Publishing with reply_to=amq.rabbitmq.reply-to without consuming from it first.
channel = connection.channel()
channel.queue_declare(queue="square_queue")
try:
    channel.basic_publish(
        exchange="",
        routing_key="square_queue",
        properties=pika.BasicProperties(reply_to=REPLY_TO),
        body="3",
    )
    channel.queue_declare(queue="square_queue", passive=True)
    print(" [?] no error")
except pika.exceptions.ChannelClosedByBroker as error:
    print(f" [!] publish without consumer: {error.reply_code} {error.reply_text}")

# 2. Consuming from it with manual acks.
channel = connection.channel()
try:
    channel.basic_consume(queue=REPLY_TO, on_message_callback=print, auto_ack=False)
    print(" [?] no error")
except pika.exceptions.ChannelClosedByBroker as error:
    print(f" [!] consume with acks: {error.reply_code} {error.reply_text}")

declared = connection.channel().queue_declare(queue="square_queue", passive=True)
print(f" [*] square_queue holds {declared.method.message_count} message(s)")
connection.close()
