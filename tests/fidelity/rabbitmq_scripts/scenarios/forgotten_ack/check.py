import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
while True:
    method, properties, body = channel.basic_get("orders", auto_ack=True)
    if method is None:
        break
    print(f" [x] Left: {body.decode()} redelivered={method.redelivered}")
connection.close()
