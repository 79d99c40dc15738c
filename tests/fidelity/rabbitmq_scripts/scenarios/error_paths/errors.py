import pika
from pika import exceptions

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
setup = connection.channel()
setup.queue_declare(queue="plain")
setup.exchange_declare(exchange="logs", exchange_type="fanout")
setup.basic_publish(exchange="", routing_key="plain", body="x")


def try_on_new_channel(what, action):
    channel = connection.channel()
    try:
        result = action(channel)
        print(f" [ok] {what}: {type(result).__name__}")
    except exceptions.AMQPError as error:
        print(f" [!] {what}: {type(error).__name__} {error!r}")
        if isinstance(error, exceptions.ChannelClosedByBroker):
            print(f"     reply_code={error.reply_code} reply_text={error.reply_text}")
    print(f"     channel open={channel.is_open} connection open={connection.is_open}")
    return channel


try_on_new_channel(
    "passive declare of a missing queue", lambda ch: ch.queue_declare("missing", passive=True)
)
try_on_new_channel(
    "redeclare with durable=True", lambda ch: ch.queue_declare("plain", durable=True)
)
try_on_new_channel(
    "redeclare with an x-argument",
    lambda ch: ch.queue_declare("plain", arguments={"x-max-length": 5}),
)
try_on_new_channel("reserved amq. prefix", lambda ch: ch.queue_declare("amq.mine"))
try_on_new_channel(
    "exchange redeclared as topic", lambda ch: ch.exchange_declare("logs", exchange_type="topic")
)
try_on_new_channel(
    "passive declare of a missing exchange", lambda ch: ch.exchange_declare("nope", passive=True)
)
try_on_new_channel("bind to a missing exchange", lambda ch: ch.queue_bind("plain", "nope"))
try_on_new_channel("bind on the default exchange", lambda ch: ch.queue_bind("plain", ""))
try_on_new_channel(
    "delete a non-empty queue with if_empty", lambda ch: ch.queue_delete("plain", if_empty=True)
)
try_on_new_channel("delete a missing queue", lambda ch: ch.queue_delete("missing"))


def double_ack(ch):
    method, _, _ = ch.basic_get("plain")
    ch.basic_ack(method.delivery_tag)
    ch.basic_ack(method.delivery_tag)
    return ch.queue_declare("plain", passive=True)


try_on_new_channel("ack the same tag twice", double_ack)


def publish_then_sync(ch):
    ch.basic_publish(exchange="nope", routing_key="k", body="b")
    return ch.queue_declare("plain", passive=True)


try_on_new_channel("publish to a missing exchange", publish_then_sync)

closed = try_on_new_channel(
    "passive declare again", lambda ch: ch.queue_declare("gone", passive=True)
)
try:
    closed.basic_publish(exchange="", routing_key="plain", body="on a closed channel")
except exceptions.AMQPError as error:
    print(f" [!] publish on a closed channel: {type(error).__name__} {error!r}")

try_on_new_channel(
    "unknown exchange type", lambda ch: ch.exchange_declare("weird", exchange_type="nonsense")
)
try:
    connection.channel()
except exceptions.AMQPError as error:
    print(f" [!] channel() on the closed connection: {type(error).__name__}")
print(f" [*] connection closed={connection.is_closed}")
