# The tutorial's worker: one second of work per dot, manual ack, but no prefetch limit.
# It stops after the number of tasks given as its argument (the tutorial's runs forever).
import sys
import time

import pika

expected = int(sys.argv[1])
connection = pika.BlockingConnection(pika.ConnectionParameters(host="localhost"))
channel = connection.channel()

channel.queue_declare(queue="task_queue", durable=True)

done = 0


def callback(ch, method, properties, body):
    global done
    print(f" [x] Received {body.decode()}")
    time.sleep(body.count(b"."))
    print(" [x] Done")
    ch.basic_ack(delivery_tag=method.delivery_tag)
    done += 1
    if done == expected:
        ch.stop_consuming()


channel.basic_consume(queue="task_queue", on_message_callback=callback)

print(" [*] Waiting for messages. To exit press CTRL+C")
channel.start_consuming()
connection.close()
print(f" [*] Worker finished after {done} task(s)")
