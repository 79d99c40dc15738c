import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
print(" [*] About to read a queue that does not exist")
channel.queue_declare(queue="does-not-exist", passive=True)
print(" [?] not reached")
