import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
channel.queue_declare(queue="doomed")
channel.queue_declare(queue="survivor")


def on_cancel(method_frame):
    print(f" [!] Broker cancelled consumer: {method_frame.method.NAME}")


channel.add_on_cancel_callback(on_cancel)


def callback(ch, method, properties, body):
    print(f" [x] {method.routing_key}: {body.decode()}")
    ch.basic_ack(method.delivery_tag)
    if body == b"stop":
        ch.stop_consuming()


channel.basic_consume("doomed", callback)
channel.basic_consume("survivor", callback)
print(f" [*] Waiting with {len(channel.consumer_tags)} consumers")
channel.start_consuming()
print(f" [*] start_consuming returned; {len(channel.consumer_tags)} consumer(s) left")
connection.close()
