import sys

import pika

REPLY_TO = "amq.rabbitmq.reply-to"

connection = pika.BlockingConnection(pika.ConnectionParameters(host="localhost"))
channel = connection.channel()

replies = {}


def on_reply(ch, method, props, body):
    print(
        f" [.] Reply {body.decode()} for request {props.correlation_id}"
        f" (redelivered={method.redelivered} exchange={method.exchange!r}"
        f" routing_key prefix ok: {method.routing_key.startswith(REPLY_TO + '.')})"
    )
    replies[props.correlation_id] = int(body)


# Direct reply-to: consume from the pseudo-queue with auto_ack before publishing.
channel.basic_consume(queue=REPLY_TO, on_message_callback=on_reply, auto_ack=True)

for number, arg in enumerate(sys.argv[1:], 1):
    corr_id = f"req-{number}"
    print(f" [x] Requesting square({arg}) as {corr_id}")
    channel.basic_publish(
        exchange="",
        routing_key="square_queue",
        properties=pika.BasicProperties(reply_to=REPLY_TO, correlation_id=corr_id),
        body=arg,
    )
    while corr_id not in replies:
        connection.process_data_events(time_limit=None)
    print(f" [.] Got {replies[corr_id]}")

connection.close()
