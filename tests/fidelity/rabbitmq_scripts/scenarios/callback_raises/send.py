import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
channel.queue_declare(queue="payments")
for body in ["100", "250", "oops", "75"]:
    channel.basic_publish(exchange="", routing_key="payments", body=body)
    print(f" [x] Sent {body}")
connection.close()
