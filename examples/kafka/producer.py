# The tutorial's code, unchanged. Run it with: mqsim run 'consumer.py &' producer.py
# fmt: off
from confluent_kafka import Producer

# 1. Configure Kafka broker
conf = {'bootstrap.servers': "localhost:9092"}
producer = Producer(**conf)

# 2. Produce a message to 'payments' topic
producer.produce('payments', key='Ali', value='Payment of 5000 PKR from Fatima')
producer.flush()
print(" [x] Message sent to Kafka topic 'payments'")
