# The tutorial's receive_logs_topic.py, with the consume() generator: it leaves after 5 s
# without a message instead of running forever.
import sys

import pika

connection = pika.BlockingConnection(pika.ConnectionParameters(host="localhost"))
channel = connection.channel()

channel.exchange_declare(exchange="topic_logs", exchange_type="topic")

result = channel.queue_declare("", exclusive=True)
queue_name = result.method.queue

binding_keys = sys.argv[1:]
if not binding_keys:
    sys.stderr.write(f"Usage: {sys.argv[0]} [binding_key]...\n")
    sys.exit(1)

for binding_key in binding_keys:
    channel.queue_bind(exchange="topic_logs", queue=queue_name, routing_key=binding_key)

print(f" [*] Waiting for {' '.join(binding_keys)} logs. To exit press CTRL+C")
count = 0
for method, _properties, body in channel.consume(queue_name, auto_ack=True, inactivity_timeout=5):
    if method is None:
        break
    count += 1
    print(f" [x] {method.routing_key}:{body.decode()}")
channel.cancel()
connection.close()
print(f" [*] Idle for 5 s after {count} message(s): bye")
