import pika
from pika.exceptions import ChannelClosedByBroker

# pika has no exception class for 405 RESOURCE_LOCKED: it is a ChannelClosedByBroker.
has_it = hasattr(pika.exceptions, "ResourceLockedError")
print(f" [*] pika.exceptions has ResourceLockedError: {has_it}")
connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))

attempts = [
    ("declare", lambda ch: ch.queue_declare(queue="private")),
    ("declare exclusive", lambda ch: ch.queue_declare(queue="private", exclusive=True)),
    ("passive declare", lambda ch: ch.queue_declare(queue="private", passive=True)),
    ("consume", lambda ch: ch.basic_consume("private", lambda *a: None)),
    ("get", lambda ch: ch.basic_get("private")),
    ("purge", lambda ch: ch.queue_purge("private")),
    ("delete", lambda ch: ch.queue_delete("private")),
]
for what, attempt in attempts:
    channel = connection.channel()
    try:
        attempt(channel)
        print(f" [?] {what}: allowed")
    except ChannelClosedByBroker as error:
        print(f" [!] {what}: {type(error).__name__} {error.reply_code}")
        print(f"     {error.reply_text}")
    print(f"     channel open={channel.is_open}")

channel = connection.channel()
channel.confirm_delivery()
channel.basic_publish(exchange="", routing_key="private", body="hello from outside")
print(" [x] Publishing to it from another connection is allowed")
connection.close()
