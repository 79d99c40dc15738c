# The tutorial's rpc_server.py; it stops after the number of requests given as argument.
import sys

import pika

expected = int(sys.argv[1])
connection = pika.BlockingConnection(pika.ConnectionParameters(host="localhost"))
channel = connection.channel()

channel.queue_declare(queue="rpc_queue")


def fib(n):
    if n == 0:
        return 0
    if n == 1:
        return 1
    return fib(n - 1) + fib(n - 2)


served = 0


def on_request(ch, method, props, body):
    global served
    n = int(body)

    print(f" [.] fib({n}) reply_to=amq.gen-...:{props.reply_to.startswith('amq.gen-')}")
    response = fib(n)

    ch.basic_publish(
        exchange="",
        routing_key=props.reply_to,
        properties=pika.BasicProperties(correlation_id=props.correlation_id),
        body=str(response),
    )
    ch.basic_ack(delivery_tag=method.delivery_tag)
    served += 1
    if served == expected:
        ch.stop_consuming()


channel.basic_qos(prefetch_count=1)
channel.basic_consume(queue="rpc_queue", on_message_callback=on_request)

print(" [x] Awaiting RPC requests")
channel.start_consuming()
connection.close()
print(f" [x] Served {served} request(s)")
