"""``confluent_kafka.admin``: ``AdminClient``, ``NewTopic``, ``NewPartitions`` and results.

confluent-kafka: admin calls return ``{name: concurrent.futures.Future}``; ``result()``
blocks until the controller answered. mqsim: ``result()`` advances simulated time until
the answer arrives; requests go to the controller over the world's network.
"""

from __future__ import annotations

import concurrent.futures
import enum
import functools
from collections.abc import Callable
from typing import Any

from mqsim.clients.confluent_kafka._common import find_cluster, merge_conf, parse, timeout_of
from mqsim.clients.confluent_kafka._metadata import (
    BrokerMetadata,
    ClusterMetadata,
    PartitionMetadata,
    TopicMetadata,
    cluster_metadata,
)
from mqsim.clients.confluent_kafka.error import KafkaException, from_model
from mqsim.clients.confluent_kafka.message import TopicPartition
from mqsim.kafka.client import ClientBase
from mqsim.kafka.errors import KafkaModelError
from mqsim.sim import World


class NewTopic:
    """A topic to create."""

    def __init__(
        self,
        topic: str,
        num_partitions: int = -1,
        replication_factor: int = -1,
        replica_assignment: list[list[int]] | None = None,
        config: dict[str, str] | None = None,
    ) -> None:
        self.topic = topic
        self.num_partitions = num_partitions
        self.replication_factor = replication_factor
        self.replica_assignment = replica_assignment
        self.config = dict(config or {})

    def __repr__(self) -> str:
        return f"NewTopic(topic={self.topic},num_partitions={self.num_partitions})"


class NewPartitions:
    """Grow a topic to ``new_total_count`` partitions."""

    def __init__(self, topic: str, new_total_count: int, replica_assignment: Any = None) -> None:
        self.topic = topic
        self.new_total_count = new_total_count
        self.replica_assignment = replica_assignment


class ConsumerGroupState(enum.Enum):
    """A consumer group's state."""

    UNKNOWN = 0
    PREPARING_REBALANCING = 1
    COMPLETING_REBALANCING = 2
    STABLE = 3
    DEAD = 4
    EMPTY = 5


_STATES = {
    "PreparingRebalance": ConsumerGroupState.PREPARING_REBALANCING,
    "CompletingRebalance": ConsumerGroupState.COMPLETING_REBALANCING,
    "Stable": ConsumerGroupState.STABLE,
    "Dead": ConsumerGroupState.DEAD,
    "Empty": ConsumerGroupState.EMPTY,
}


class Node:
    """A broker in admin results."""

    def __init__(self, node_id: int, host: str, port: int, rack: str | None = None) -> None:
        self.id = node_id
        self.id_string = str(node_id)
        self.host = host
        self.port = port
        self.rack = rack


class ConsumerGroupListing:
    """One group in ``list_consumer_groups()``."""

    def __init__(
        self, group_id: str, is_simple_consumer_group: bool, state: ConsumerGroupState
    ) -> None:
        self.group_id = group_id
        self.is_simple_consumer_group = is_simple_consumer_group
        self.state = state


class ListConsumerGroupsResult:
    """``valid`` listings and ``errors``."""

    def __init__(self, valid: list[ConsumerGroupListing], errors: list[Any]) -> None:
        self.valid = valid
        self.errors = errors


class MemberAssignment:
    """A member's partitions."""

    def __init__(self, topic_partitions: list[TopicPartition]) -> None:
        self.topic_partitions = topic_partitions


class MemberDescription:
    """A member in ``describe_consumer_groups()``."""

    def __init__(
        self,
        member_id: str,
        client_id: str,
        host: str,
        assignment: MemberAssignment,
        group_instance_id: str | None,
    ) -> None:
        self.member_id = member_id
        self.client_id = client_id
        self.host = host
        self.assignment = assignment
        self.group_instance_id = group_instance_id


class ConsumerGroupDescription:
    """A group in ``describe_consumer_groups()``."""

    def __init__(
        self,
        group_id: str,
        is_simple_consumer_group: bool,
        members: list[MemberDescription],
        partition_assignor: str,
        state: ConsumerGroupState,
        coordinator: Node | None,
    ) -> None:
        self.group_id = group_id
        self.is_simple_consumer_group = is_simple_consumer_group
        self.members = members
        self.partition_assignor = partition_assignor
        self.state = state
        self.coordinator = coordinator


class SimFuture(concurrent.futures.Future):  # type: ignore[type-arg]
    """A Future whose ``result()``/``exception()`` advance simulated time until it is done."""

    def __init__(self, world: World) -> None:
        super().__init__()
        self._world = world
        self._event = world.event()

    def _settle(self, value: Any = None, error: BaseException | None = None) -> None:
        if error is not None:
            self.set_exception(error)
        else:
            self.set_result(value)
        if not self._event.triggered:
            self._event.succeed()

    def result(self, timeout: float | None = None) -> Any:
        """Wait (in simulated time) for the result."""
        if not self.done():
            self._world.block(self._event, timeout)
        return super().result(timeout=0)

    def exception(self, timeout: float | None = None) -> BaseException | None:
        """Wait (in simulated time) for the outcome; the exception or None."""
        if not self.done():
            self._world.block(self._event, timeout)
        return super().exception(timeout=0)


class _AdminNode(ClientBase):
    role = "admin"


class AdminClient:
    """A Kafka admin client: ``AdminClient({"bootstrap.servers": ...})``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        config = parse(merge_conf(args, kwargs), "admin")
        self._world, self._cluster = find_cluster(config)
        self._node = _AdminNode(self._cluster, config)

    def __repr__(self) -> str:
        return f"<AdminClient {self._node.name!r}>"

    def _call(self, action: Callable[[], Any]) -> SimFuture:
        """Run ``action`` at the controller after a network round trip; a future of it."""
        future = SimFuture(self._world)
        cluster = self._cluster
        controller = cluster.controller

        def handler(respond: Callable[[Any], None]) -> None:
            try:
                respond(("ok", action()))
            except KafkaModelError as problem:
                respond(("error", problem))

        def reply(result: tuple[str, Any]) -> None:
            kind, value = result
            if kind == "ok":
                future._settle(value)
            else:
                future._settle(error=KafkaException(from_model(value)))

        self._node.send(
            controller,
            handler,
            (),
            reply,
            lambda problem: future._settle(error=KafkaException(from_model(problem))),
        )
        return future

    def create_topics(self, new_topics: list[NewTopic], **kwargs: Any) -> dict[str, SimFuture]:
        """CreateTopics: ``{topic: future}`` (result None, or KafkaException)."""
        validate = bool(kwargs.get("validate_only", False))
        out: dict[str, SimFuture] = {}
        for new in new_topics:

            def create(new: NewTopic = new) -> None:
                if validate:
                    if new.topic in self._cluster.topics:
                        raise KafkaModelError(
                            "TOPIC_ALREADY_EXISTS", f"Topic '{new.topic}' already exists."
                        )
                    return
                self._cluster.create_topic(
                    new.topic,
                    new.num_partitions,
                    new.replication_factor,
                    config=new.config,
                    replicas=new.replica_assignment,
                )

            out[new.topic] = self._call(create)
        return out

    def delete_topics(self, topics: list[str], **kwargs: Any) -> dict[str, SimFuture]:
        """DeleteTopics: ``{topic: future}``."""
        return {
            name: self._call(functools.partial(self._cluster.delete_topic, name)) for name in topics
        }

    def create_partitions(
        self, new_partitions: list[NewPartitions], **kwargs: Any
    ) -> dict[str, SimFuture]:
        """CreatePartitions: ``{topic: future}``."""
        out: dict[str, SimFuture] = {}
        for new in new_partitions:

            def grow(new: NewPartitions = new) -> None:
                self._cluster.create_partitions(new.topic, new.new_total_count)

            out[new.topic] = self._call(grow)
        return out

    def list_topics(self, topic: str | None = None, timeout: float = -1) -> ClusterMetadata:
        """Cluster metadata (one topic, or all)."""
        broker = self._node.bootstrap_broker()
        future = self._call(
            lambda: self._cluster.metadata(broker, None if topic is None else [topic])
        )
        try:
            return cluster_metadata(future.result(timeout_of(timeout)))
        except concurrent.futures.TimeoutError:
            raise KafkaException(from_model(KafkaModelError("_TIMED_OUT"))) from None

    def list_consumer_groups(self, **kwargs: Any) -> SimFuture:
        """ListGroups: a future of :class:`ListConsumerGroupsResult`."""

        def listing() -> ListConsumerGroupsResult:
            groups = self._cluster.groups
            valid = []
            for group_id in sorted(groups.groups):
                description = groups.describe(group_id)
                valid.append(
                    ConsumerGroupListing(
                        group_id,
                        description.protocol_type == "" and not description.members,
                        _STATES.get(description.state, ConsumerGroupState.UNKNOWN),
                    )
                )
            return ListConsumerGroupsResult(valid, [])

        return self._call(listing)

    def describe_consumer_groups(self, group_ids: list[str], **kwargs: Any) -> dict[str, SimFuture]:
        """DescribeGroups: ``{group_id: future of ConsumerGroupDescription}``."""

        def describe(group_id: str) -> ConsumerGroupDescription:
            d = self._cluster.groups.describe(group_id)
            coordinator = self._cluster.brokers.get(d.coordinator)
            node = (
                None
                if coordinator is None
                else Node(coordinator.id, coordinator.host, coordinator.port)
            )
            members = [
                MemberDescription(
                    member_id,
                    client_id,
                    f"/{client}",
                    MemberAssignment([TopicPartition(t, p) for t, p in assignment]),
                    instance,
                )
                for member_id, client_id, instance, client, assignment in d.members
            ]
            return ConsumerGroupDescription(
                group_id,
                d.protocol_type == "" and not members,
                members,
                d.protocol,
                _STATES.get(d.state, ConsumerGroupState.UNKNOWN),
                node,
            )

        return {g: self._call(functools.partial(describe, g)) for g in group_ids}

    def delete_consumer_groups(self, group_ids: list[str], **kwargs: Any) -> dict[str, SimFuture]:
        """DeleteGroups: ``{group_id: future}``."""
        return {
            g: self._call(functools.partial(self._cluster.groups.delete_group, g))
            for g in group_ids
        }

    def poll(self, timeout: float | None = None) -> int:
        """Serve callbacks (none are queued by mqsim's admin client)."""
        return 0


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
