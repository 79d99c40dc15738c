import os

from confluent_kafka import Producer

producer = Producer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "transactional.id": "transfer-writer",
    }
)
offsets = []
producer.init_transactions(10)
for batch in (["debit Ali 500", "credit Sara 500"], ["debit Fatima 70", "credit Noor 70"]):
    producer.begin_transaction()
    for value in batch:
        producer.produce(
            "transfers",
            value=value,
            on_delivery=lambda err, msg: offsets.append((msg.offset(), err)),
        )
    producer.commit_transaction(10)
    print(f"committed {batch}")
print(f"delivery reports: {offsets}")
