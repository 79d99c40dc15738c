# The tutorial's code, unchanged. Run it with: mqsim run 'consumer.py &' producer.py
# fmt: off
# ruff: noqa: UP032
from confluent_kafka import Consumer

# 1. Configure consumer
conf = {
    'bootstrap.servers': "localhost:9092",
    'group.id': "payment_group",
    'auto.offset.reset': 'earliest'
}
consumer = Consumer(**conf)

# 2. Subscribe to topic
consumer.subscribe(['payments'])

# 3. Poll messages
while True:
    msg = consumer.poll(1.0)
    if msg is None:
        continue
    if msg.error():
        print("Consumer error: {}".format(msg.error()))
        continue
    print(f" [x] Received payment: {msg.value().decode('utf-8')}")
