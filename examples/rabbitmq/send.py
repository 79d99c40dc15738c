# The tutorial's code, unchanged. Run it with: mqsim run 'receive.py &' send.py
# fmt: off
import pika

# 1. Connect to RabbitMQ server
connection = pika.BlockingConnection(pika.ConnectionParameters('localhost'))
channel = connection.channel()

# 2. Declare a queue named 'order_queue'
channel.queue_declare(queue='order_queue')

# 3. Publish a message to the queue
channel.basic_publish(exchange='',
                      routing_key='order_queue',
                      body='New order from Ahmad in Lahore')
print(" [x] Sent 'New order from Ahmad in Lahore'")

connection.close()
