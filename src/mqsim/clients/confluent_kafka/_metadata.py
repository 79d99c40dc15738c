"""``list_topics()`` results as confluent-kafka's ``confluent_kafka.admin`` classes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mqsim.clients.confluent_kafka.error import KafkaError, from_model

if TYPE_CHECKING:
    from mqsim.kafka.cluster import Metadata


class BrokerMetadata:
    """A broker: ``id``, ``host``, ``port``."""

    def __init__(self, broker_id: int = -1, host: str = "", port: int = -1) -> None:
        self.id = broker_id
        self.host = host
        self.port = port

    def __repr__(self) -> str:
        return f"BrokerMetadata({self.id}, {self.host}:{self.port})"

    def __str__(self) -> str:
        return f"{self.host}:{self.port}/{self.id}"


class PartitionMetadata:
    """A partition: ``id``, ``leader``, ``replicas``, ``isrs``, ``error``."""

    def __init__(self) -> None:
        self.id = -1
        self.leader = -1
        self.replicas: list[int] = []
        self.isrs: list[int] = []
        self.error: KafkaError | None = None

    def __repr__(self) -> str:
        if self.error is not None:
            return f"PartitionMetadata({self.id}, {self.error})"
        return f"PartitionMetadata({self.id})"

    def __str__(self) -> str:
        return str(self.id)


class TopicMetadata:
    """A topic: ``topic``, ``partitions`` (id -> PartitionMetadata), ``error``."""

    def __init__(self) -> None:
        self.topic: str = ""
        self.partitions: dict[int, PartitionMetadata] = {}
        self.error: KafkaError | None = None

    def __repr__(self) -> str:
        if self.error is not None:
            return f"TopicMetadata({self.topic}, {len(self.partitions)} partitions, {self.error})"
        return f"TopicMetadata({self.topic}, {len(self.partitions)} partitions)"

    def __str__(self) -> str:
        return self.topic


class ClusterMetadata:
    """``cluster_id``, ``controller_id``, ``brokers``, ``topics``, ``orig_broker_*``."""

    def __init__(self) -> None:
        self.cluster_id: str | None = None
        self.controller_id = -1
        self.brokers: dict[int, BrokerMetadata] = {}
        self.topics: dict[str, TopicMetadata] = {}
        self.orig_broker_id = -1
        self.orig_broker_name: str | None = None

    def __repr__(self) -> str:
        return f"ClusterMetadata({self.cluster_id})"

    def __str__(self) -> str:
        return str(self.cluster_id)


def cluster_metadata(metadata: Metadata) -> ClusterMetadata:
    """The confluent-kafka view of a metadata response."""
    out = ClusterMetadata()
    out.cluster_id = metadata.cluster_id
    out.controller_id = metadata.controller_id
    out.orig_broker_id = metadata.orig_broker_id
    out.orig_broker_name = f"{metadata.orig_broker_name}/{metadata.orig_broker_id}"
    for broker_id, info in sorted(metadata.brokers.items()):
        out.brokers[broker_id] = BrokerMetadata(info.id, info.host, info.port)
    for name, topic in metadata.topics.items():
        tm = TopicMetadata()
        tm.topic = name
        tm.error = None if topic.error is None else from_model(topic.error)
        for index, part in sorted(topic.partitions.items()):
            pm = PartitionMetadata()
            pm.id = index
            pm.leader = part.leader
            pm.replicas = list(part.replicas)
            pm.isrs = list(part.isrs)
            pm.error = None if part.error is None else from_model(part.error)
            tm.partitions[index] = pm
        out.topics[name] = tm
    return out


__all__ = ["BrokerMetadata", "ClusterMetadata", "PartitionMetadata", "TopicMetadata"]
