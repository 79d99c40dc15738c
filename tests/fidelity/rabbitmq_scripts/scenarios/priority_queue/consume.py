import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
declared = channel.queue_declare(queue="tasks", arguments={"x-max-priority": 10})
waiting = declared.method.message_count
print(f" [*] {waiting} waiting")
channel.basic_qos(prefetch_count=1)
seen = 0


def callback(ch, method, properties, body):
    global seen
    seen += 1
    print(f" [x] {body.decode()} priority={properties.priority}")
    ch.basic_ack(method.delivery_tag)
    if seen == waiting:
        ch.stop_consuming()


channel.basic_consume("tasks", callback)
channel.start_consuming()
connection.close()
