"""Kafka cluster model: brokers, replicated partition logs, groups, producer and consumer.

Build a cluster in a world and talk to it with the client models, or through the
confluent-kafka facade (:mod:`mqsim.confluent_kafka`)::

    world = World(seed=1)
    cluster = KafkaCluster(world, brokers=3, config={"min.insync.replicas": 2})
    cluster.create_topic("payments", partitions=3, replication_factor=3)
"""

from mqsim.kafka.cluster import BROKER_DEFAULTS, Broker, KafkaCluster, Partition, Topic
from mqsim.kafka.config import ClientConfig, parse_client_config
from mqsim.kafka.consumer import ConsumerClient
from mqsim.kafka.errors import KafkaModelError
from mqsim.kafka.group import GroupCoordinator
from mqsim.kafka.log import PartitionLog, RecordBatch
from mqsim.kafka.producer import ProducerClient

__all__ = [
    "BROKER_DEFAULTS",
    "Broker",
    "ClientConfig",
    "ConsumerClient",
    "GroupCoordinator",
    "KafkaCluster",
    "KafkaModelError",
    "Partition",
    "PartitionLog",
    "ProducerClient",
    "RecordBatch",
    "Topic",
    "parse_client_config",
]
