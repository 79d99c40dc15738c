import sys

import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
channel.queue_declare(queue="inbox")
for body in sys.argv[1:]:
    channel.basic_publish(exchange="", routing_key="inbox", body=body)
    print(f" [x] Put {body}")
connection.close()
