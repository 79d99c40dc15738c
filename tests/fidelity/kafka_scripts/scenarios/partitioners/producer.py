import os

from confluent_kafka import Producer

keys = ["Ali", "Fatima", "Ahmad", "Sara", "Bilal", "order-1001", "order-1002", "ünïcode", ""]
for partitioner in (
    "consistent_random",
    "consistent",
    "murmur2",
    "murmur2_random",
    "fnv1a",
    "fnv1a_random",
):
    producer = Producer(
        {
            "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
            "partitioner": partitioner,
        }
    )
    placed = {}

    def report(err, msg, placed=placed):
        placed[msg.key().decode()] = msg.partition()

    for key in keys:
        if key == "" and partitioner.endswith("random"):
            continue  # empty keys go to a random partition with the *_random partitioners
        producer.produce("users", key=key, value="x", on_delivery=report)
    producer.flush()
    print(f"{partitioner}: {[placed[key] for key in keys if key in placed]}")
