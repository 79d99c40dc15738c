import os

from confluent_kafka import OFFSET_END, Consumer, KafkaException, TopicPartition

consumer = Consumer(
    {
        "bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092"),
        "group.id": "ledger_readers",
        "auto.offset.reset": "earliest",
    }
)
consumer.subscribe(["ledger"])
msg = None
while msg is None or msg.error():
    msg = consumer.poll(1.0)
try:
    consumer.store_offsets(message=msg)
except KafkaException as error:
    print(f"store_offsets: {error.args[0].name()}: {error.args[0].str()}")
try:
    consumer.commit(offsets=[TopicPartition("ledger", 1, OFFSET_END)], asynchronous=False)
    print("commit OFFSET_END: committed")
except KafkaException as error:
    print(f"commit OFFSET_END: {error.args[0].name()}: {error.args[0].str()}")
consumer.close()
