import os

from confluent_kafka import Consumer, KafkaError

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "no_reset",
        "auto.offset.reset": "error",
    }
)
consumer.subscribe(["clicks"])
for _ in range(30):
    msg = consumer.poll(1.0)
    if msg is None:
        continue
    if msg.error():
        error = msg.error()
        print(
            f"poll error: {error.name()} ({error.code() == KafkaError._AUTO_OFFSET_RESET}): "
            f"{error.str()}"
        )
        print(
            f"fatal={error.fatal()} retriable={error.retriable()} topic={msg.topic()} "
            f"partition={msg.partition()}"
        )
        break
    print(f"unexpected message at offset {msg.offset()}")
consumer.close()
