"""Create the topics this scenario uses (NAME:PARTITIONS arguments) and show them.

A real cluster (and mqsim's) creates them; librdkafka's mock cluster has no CreateTopics,
so there the topics are created beforehand and a failed create is fine as long as the
metadata shows the topic with the right partition count.
"""

import contextlib
import os
import sys

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, NewTopic

admin = AdminClient({"bootstrap.servers": os.environ.get("BOOTSTRAP", "localhost:9092")})
wanted = {}
for arg in sys.argv[1:]:
    name, _, partitions = arg.partition(":")
    wanted[name] = int(partitions)

futures = admin.create_topics([NewTopic(name, count, 1) for name, count in wanted.items()])
for future in futures.values():
    # the mock cluster answers "Topic Admin API (KIP-4) not supported by broker"
    with contextlib.suppress(KafkaException):
        future.result()

metadata = admin.list_topics(timeout=10)
for name, count in wanted.items():
    topic = metadata.topics.get(name)
    have = len(topic.partitions) if topic is not None and topic.error is None else 0
    print(f"topic {name}: {have} partitions")
    if have != count:
        sys.exit(f"expected {count} partitions for {name}")
