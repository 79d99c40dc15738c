# The tutorial's receive_logs_direct.py: usage: receive_logs_direct.py COUNT SEVERITY...
# It stops after COUNT messages (the tutorial's runs forever).
import sys

import pika

expected = int(sys.argv[1])
severities = sys.argv[2:]
connection = pika.BlockingConnection(pika.ConnectionParameters(host="localhost"))
channel = connection.channel()

channel.exchange_declare(exchange="direct_logs", exchange_type="direct")

result = channel.queue_declare(queue="", exclusive=True)
queue_name = result.method.queue

for severity in severities:
    channel.queue_bind(exchange="direct_logs", queue=queue_name, routing_key=severity)

received = 0


def callback(ch, method, properties, body):
    global received
    received += 1
    print(f" [x] {method.routing_key}:{body.decode()}")
    if received == expected:
        ch.stop_consuming()


channel.basic_consume(queue=queue_name, on_message_callback=callback, auto_ack=True)

print(f" [*] Waiting for {', '.join(severities)} logs. To exit press CTRL+C")
channel.start_consuming()
connection.close()
