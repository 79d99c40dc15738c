"""Exercise 2 (Kafka): create the 'payments' topic with three partitions."""

from confluent_kafka.admin import AdminClient, NewTopic

admin = AdminClient({"bootstrap.servers": "localhost:9092"})
futures = admin.create_topics([NewTopic("payments", num_partitions=3, replication_factor=1)])
for topic, future in futures.items():
    future.result()  # raises if the topic could not be created
    print(f" [x] Created topic {topic!r}")
