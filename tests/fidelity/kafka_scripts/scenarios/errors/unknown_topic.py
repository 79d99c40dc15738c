"""Subscribing to a topic that does not exist: poll() reports it; it is not created."""

import os

from confluent_kafka import Consumer, KafkaError

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "lost",
    }
)
consumer.subscribe(["no_such_topic"])
for _ in range(30):
    msg = consumer.poll(1.0)
    if msg is None:
        continue
    error = msg.error()
    print(
        f"poll error: {error.name()} "
        f"({error.code() == KafkaError.UNKNOWN_TOPIC_OR_PART}): {error.str()}"
    )
    print(f"fatal={error.fatal()} retriable={error.retriable()}")
    break
print(f"assignment: {consumer.assignment()}")
print(f"topic exists now: {'no_such_topic' in consumer.list_topics(timeout=10).topics}")
consumer.close()
