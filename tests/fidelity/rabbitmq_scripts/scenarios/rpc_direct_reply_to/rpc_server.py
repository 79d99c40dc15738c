import sys

import pika

expected = int(sys.argv[1])
connection = pika.BlockingConnection(pika.ConnectionParameters(host="localhost"))
channel = connection.channel()
channel.queue_declare(queue="square_queue")

served = 0


def on_request(ch, method, props, body):
    global served
    n = int(body)
    # The reply-to name is amq.rabbitmq.reply-to.<random>: print only its prefix.
    prefix_ok = props.reply_to.startswith("amq.rabbitmq.reply-to.")
    print(f" [.] square({n}) reply_to prefix ok: {prefix_ok} correlation_id={props.correlation_id}")
    ch.basic_publish(
        exchange="",
        routing_key=props.reply_to,
        properties=pika.BasicProperties(correlation_id=props.correlation_id),
        body=str(n * n),
    )
    ch.basic_ack(delivery_tag=method.delivery_tag)
    served += 1
    if served == expected:
        ch.stop_consuming()


channel.basic_qos(prefetch_count=1)
channel.basic_consume(queue="square_queue", on_message_callback=on_request)
print(" [x] Awaiting RPC requests")
channel.start_consuming()
connection.close()
