import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
channel.queue_declare(queue="payments")
channel.basic_qos(prefetch_count=2)
total = 0


def callback(ch, method, properties, body):
    global total
    print(f" [x] Processing {body.decode()}")
    total += int(body)  # 'oops' raises ValueError here
    ch.basic_ack(delivery_tag=method.delivery_tag)
    print(f" [x] Total so far {total}")


channel.basic_consume(queue="payments", on_message_callback=callback)
print(" [*] Waiting for payments")
channel.start_consuming()
