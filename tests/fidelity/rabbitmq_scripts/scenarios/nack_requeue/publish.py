import sys

import pika

count = int(sys.argv[1])
connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
channel.queue_declare(queue="work")
for n in range(1, count + 1):
    channel.basic_publish(exchange="", routing_key="work", body=f"m{n}")
print(f" [x] Published m1..m{count}")
connection.close()
