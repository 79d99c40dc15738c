# The tutorial's code, unchanged. Run it with: mqsim run 'receive.py &' send.py
# fmt: off
import pika

# 1. Connect to RabbitMQ server
connection = pika.BlockingConnection(pika.ConnectionParameters('localhost'))
channel = connection.channel()

# 2. Declare the same queue
channel.queue_declare(queue='order_queue')


# 3. Define callback to process messages
def callback(ch, method, properties, body):
    print(f" [x] Received {body}")


# 4. Consume messages
channel.basic_consume(queue='order_queue',
                      on_message_callback=callback,
                      auto_ack=True)

print(' [*] Waiting for messages. To exit press CTRL+C')
channel.start_consuming()
