import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
channel.confirm_delivery()
channel.basic_publish(exchange="", routing_key="doomed", body="first")
channel.queue_delete(queue="doomed")
print(" [x] Deleted 'doomed'")  # its message_count races with the consumer's ack
channel.basic_publish(exchange="", routing_key="survivor", body="still here")
channel.basic_publish(exchange="", routing_key="survivor", body="stop")
print(" [x] Sent two messages to 'survivor'")
connection.close()
