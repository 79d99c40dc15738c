import sys

import pika

count = int(sys.argv[1])
connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
channel.queue_declare(queue="jobs")
for n in range(count):
    channel.basic_publish(exchange="", routing_key="jobs", body=f"job {n + 1} of {count}")
print(f" [x] Sent {count} job(s)")
connection.close()
