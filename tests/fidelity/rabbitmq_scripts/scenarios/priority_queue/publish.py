import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
channel.queue_declare(queue="tasks", arguments={"x-max-priority": 10})
for name, priority in [
    ("low-1", 1),
    ("none-1", None),
    ("high-1", 9),
    ("mid-1", 5),
    ("low-2", 1),
    ("huge-1", 200),
    ("high-2", 9),
    ("none-2", None),
    ("max-1", 10),
]:
    channel.basic_publish(
        exchange="",
        routing_key="tasks",
        body=name,
        properties=pika.BasicProperties(priority=priority),
    )
    print(f" [x] Sent {name} priority={priority}")
connection.close()
