"""``confluent_kafka.admin``, simulated (see :mod:`mqsim.clients.confluent_kafka.admin`)."""

from mqsim.clients.confluent_kafka.admin import (
    AdminClient,
    BrokerMetadata,
    ClusterMetadata,
    ConsumerGroupDescription,
    ConsumerGroupListing,
    ConsumerGroupState,
    ListConsumerGroupsResult,
    MemberAssignment,
    MemberDescription,
    NewPartitions,
    NewTopic,
    Node,
    PartitionMetadata,
    TopicMetadata,
)

__all__ = [
    "AdminClient",
    "BrokerMetadata",
    "ClusterMetadata",
    "ConsumerGroupDescription",
    "ConsumerGroupListing",
    "ConsumerGroupState",
    "ListConsumerGroupsResult",
    "MemberAssignment",
    "MemberDescription",
    "NewPartitions",
    "NewTopic",
    "Node",
    "PartitionMetadata",
    "TopicMetadata",
]
