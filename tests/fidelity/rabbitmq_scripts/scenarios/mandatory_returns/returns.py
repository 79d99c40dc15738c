import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
channel.exchange_declare(exchange="alerts", exchange_type="direct")
channel.queue_declare(queue="pager")
channel.queue_bind(queue="pager", exchange="alerts", routing_key="page")


def on_return(ch, method, properties, body):
    print(
        f" [!] Returned {body!r}: {method.reply_code} {method.reply_text}"
        f" exchange={method.exchange!r} routing_key={method.routing_key!r}"
        f" headers={properties.headers}"
    )


channel.add_on_return_callback(on_return)

for key in ["page", "email", "sms"]:
    channel.basic_publish(
        exchange="alerts",
        routing_key=key,
        body=f"alert via {key}",
        properties=pika.BasicProperties(headers={"via": key}),
        mandatory=True,
    )
    print(f" [x] Published alert via {key}")
channel.basic_publish(exchange="alerts", routing_key="fax", body="not mandatory")
print(" [x] Published alert via fax (not mandatory)")

print(" [*] Processing events for 1 s")
connection.process_data_events(time_limit=1)
print(f" [*] pager holds {channel.queue_declare('pager', passive=True).method.message_count}")
connection.close()
