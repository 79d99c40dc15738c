import pika
from pika.exceptions import ChannelClosedByBroker, NackError, UnroutableError

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
channel.confirm_delivery()
channel.queue_declare(queue="orders")

channel.basic_publish(exchange="", routing_key="orders", body="order-1", mandatory=True)
print(" [x] order-1 confirmed")

channel.basic_publish(exchange="", routing_key="no-such-queue", body="lost quietly")
print(" [x] unroutable without mandatory: confirmed anyway")

try:
    channel.basic_publish(exchange="", routing_key="no-such-queue", body="bounced", mandatory=True)
    print(" [?] no error")
except UnroutableError as error:
    print(f" [!] {type(error).__name__}: {len(error.messages)} message(s) returned")
    returned = error.messages[0]
    print(
        f"     reply_code={returned.method.reply_code} reply_text={returned.method.reply_text}"
        f" exchange={returned.method.exchange!r} routing_key={returned.method.routing_key!r}"
        f" body={returned.body!r}"
    )

channel.queue_declare(queue="tiny", arguments={"x-max-length": 1, "x-overflow": "reject-publish"})
channel.basic_publish(exchange="", routing_key="tiny", body="fits")
print(" [x] tiny: first message confirmed")
try:
    channel.basic_publish(exchange="", routing_key="tiny", body="overflows")
    print(" [?] no error")
except NackError as error:
    print(f" [!] {type(error).__name__}: {[m.body for m in error.messages]}")

print(f" [*] orders holds {channel.queue_declare('orders', passive=True).method.message_count}")
print(f" [*] tiny holds {channel.queue_declare('tiny', passive=True).method.message_count}")

try:
    channel.basic_publish(exchange="no-such-exchange", routing_key="x", body="nowhere")
    print(" [?] no error")
except ChannelClosedByBroker as error:
    print(f" [!] {type(error).__name__}: {error.reply_code} {error.reply_text}")
print(f" [*] channel open={channel.is_open} connection open={connection.is_open}")

channel = connection.channel()
channel.confirm_delivery()
channel.basic_publish(exchange="", routing_key="orders", body="order-2")
print(" [x] order-2 confirmed on a new channel")
connection.close()
