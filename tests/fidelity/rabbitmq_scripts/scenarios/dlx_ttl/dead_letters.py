import pika

connection = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
channel = connection.channel()
for name in ["jobs", "slow", "dead"]:
    count = channel.queue_declare(name, passive=True).method.message_count
    print(f" [*] {name}: {count} message(s)")
while True:
    method, properties, body = channel.basic_get("dead", auto_ack=True)
    if method is None:
        break
    headers = properties.headers
    death = headers["x-death"][0]
    print(f" [x] {body!r} expiration={properties.expiration} routing_key={method.routing_key!r}")
    print(f"     header keys: {sorted(headers)}")
    print(f"     x-death entries: {len(headers['x-death'])}, keys: {sorted(death)}")
    print(
        f"     reason={death['reason']} queue={death['queue']} count={death['count']}"
        f" exchange={death['exchange']!r} routing-keys={death['routing-keys']}"
        f" original-expiration={death.get('original-expiration')}"
    )
    print(
        f"     first death: {headers['x-first-death-reason']} {headers['x-first-death-queue']}"
        f" {headers['x-first-death-exchange']!r}"
    )
connection.close()
