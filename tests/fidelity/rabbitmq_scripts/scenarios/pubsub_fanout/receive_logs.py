# The tutorial's receive_logs.py; it stops after the number of messages given as argument.
import sys

import pika
from pika.exchange_type import ExchangeType

expected = int(sys.argv[1])
connection = pika.BlockingConnection(pika.ConnectionParameters(host="localhost"))
channel = connection.channel()

channel.exchange_declare(exchange="logs", exchange_type=ExchangeType.fanout)

result = channel.queue_declare(queue="", exclusive=True)
queue_name = result.method.queue
# The name is random (amq.gen-...): print only its shape.
print(f" [*] Server-named queue: prefix={queue_name[:8]!r} length={len(queue_name)}")
declared = result.method
print(f" [*] message_count={declared.message_count} consumer_count={declared.consumer_count}")

channel.queue_bind(exchange="logs", queue=queue_name)

received = []


def callback(ch, method, properties, body):
    received.append(body)
    print(f" [x] {body.decode()} (exchange={method.exchange!r} routing_key={method.routing_key!r})")
    if len(received) == expected:
        ch.stop_consuming()


channel.basic_consume(queue=queue_name, on_message_callback=callback, auto_ack=True)

print(" [*] Waiting for logs. To exit press CTRL+C")
channel.start_consuming()
connection.close()
print(f" [*] Got {len(received)} log(s)")
