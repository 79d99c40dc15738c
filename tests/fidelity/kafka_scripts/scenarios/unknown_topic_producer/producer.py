import os

from confluent_kafka import Consumer, Producer

producer = Producer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "allow.auto.create.topics": False,
        "message.timeout.ms": 5000,
    }
)
reports = []


def report(err, msg):
    reports.append(
        (
            err.name() if err else None,
            err.str() if err else None,
            msg.topic(),
            msg.partition(),
            msg.offset(),
        )
    )


producer.produce("paymnets", value="typo in the topic name", on_delivery=report)
producer.produce("payments", value="right topic", on_delivery=report)
print(f"flush: {producer.flush(30)}")
for line in sorted(reports, key=str):
    print(f"report: {line}")

# A consumer's error event for a topic that does not exist carries no partition either.
consumer = Consumer(
    {"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"), "group.id": "typo"}
)
consumer.subscribe(["paymnets"])
for _ in range(30):
    msg = consumer.poll(1.0)
    if msg is not None:
        print(
            f"consumer event: {msg.error().name()} topic={msg.topic()} "
            f"partition={msg.partition()} offset={msg.offset()}"
        )
        break
consumer.close()
