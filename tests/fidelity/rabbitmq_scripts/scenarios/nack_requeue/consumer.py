# usage: consumer.py PREFETCH -- nack m2 once (requeue), ack everything else, stop when the
# queue is drained.
import sys

import pika

prefetch = int(sys.argv[1])
connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
declared = channel.queue_declare(queue="work")
remaining = declared.method.message_count
print(f" [*] prefetch_count={prefetch}, {remaining} message(s) waiting")
channel.basic_qos(prefetch_count=prefetch)

nacked = set()


def callback(ch, method, properties, body):
    global remaining
    text = body.decode()
    print(f" [x] {text} tag={method.delivery_tag} redelivered={method.redelivered}")
    if text == "m2" and text not in nacked:
        nacked.add(text)
        ch.basic_nack(delivery_tag=method.delivery_tag, requeue=True)
        return
    ch.basic_ack(delivery_tag=method.delivery_tag)
    remaining -= 1
    if remaining == 0:
        ch.stop_consuming()


channel.basic_consume(queue="work", on_message_callback=callback)
channel.start_consuming()
connection.close()
print(" [*] Drained")
