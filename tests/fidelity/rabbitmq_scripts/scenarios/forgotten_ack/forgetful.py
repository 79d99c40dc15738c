# Takes three orders, never acks them, and ends without closing the connection.
import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
channel.queue_declare(queue="orders", durable=True)
channel.basic_qos(prefetch_count=3)
taken = 0


def callback(ch, method, properties, body):
    global taken
    taken += 1
    print(f" [x] Took {body.decode()} (forgot to ack)")
    if taken == 3:
        ch.stop_consuming()


channel.basic_consume(queue="orders", on_message_callback=callback)
channel.start_consuming()
declared = channel.queue_declare(queue="orders", durable=True, passive=True)
print(f" [*] Exiting with {declared.method.message_count} ready in the queue")
