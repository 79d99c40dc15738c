import os

from confluent_kafka import KafkaException, Producer

bootstrap = os.environ.get("BOOTSTRAP", "localhost:9092")
reports = []


def delivery_report(err, msg):
    reports.append((err.name() if err else None, err.str() if err else None, msg.partition()))


producer = Producer({"bootstrap.servers": bootstrap})
producer.produce("payments", key="Ali", value="ok", on_delivery=delivery_report)
print(f"flush: {producer.flush(10)}, reports: {reports}")
try:
    producer.produce("payments", value="to partition 7", partition=7, on_delivery=delivery_report)
    print(f"partition 7: queued, len {len(producer)}")
except KafkaException as error:
    print(f"partition 7: KafkaException {error.args[0].name()}: {error.args[0].str()}")
print(f"flush: {producer.flush(10)}, reports: {reports[1:]}")

fresh = Producer({"bootstrap.servers": bootstrap})
reports.clear()
fresh.produce("payments", value="to partition 7", partition=7, on_delivery=delivery_report)
print(f"fresh producer: queued, len {len(fresh)}")
print(f"flush: {fresh.flush(10)}, reports: {reports}")
