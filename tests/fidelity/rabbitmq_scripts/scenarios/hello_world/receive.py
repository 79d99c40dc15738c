import pika

connection = pika.BlockingConnection(pika.ConnectionParameters(host="localhost"))
channel = connection.channel()

result = channel.queue_declare(queue="hello")
print(f" [*] Queue {result.method.queue!r} has {result.method.message_count} message(s)")

received = 0


def callback(ch, method, properties, body):
    global received
    received += 1
    print(f" [x] Received {body!r} redelivered={method.redelivered} tag={method.delivery_tag}")
    if received == 2:
        ch.stop_consuming()


channel.basic_consume(queue="hello", on_message_callback=callback, auto_ack=True)

print(" [*] Waiting for messages. To exit press CTRL+C")
channel.start_consuming()
print(" [*] Done")
connection.close()
