"""A Kafka cluster: brokers, a controller, topics, replicated partitions, requests.

Kafka: brokers hold partition replicas; for each partition one replica is the leader
(it takes produce and fetch requests), the others are followers that fetch from it. The
in-sync replica set (ISR) is the leader plus the followers that caught up within
``replica.lag.time.max.ms``; the high watermark (HW) is the offset below which every ISR
member has the data, and only records below it are visible to consumers and count as
acknowledged for ``acks=all``. When a leader's broker fails, the controller picks a new
leader from the ISR (or, with ``unclean.leader.election.enable``, from any live replica,
losing data) and bumps the leader epoch; replicas that wrote past the new leader's log
truncate to it.

mqsim: every request from a client is one simulated message over the world's network
(a batch of records is one request); handlers run at arrival and reply over the network.
The controller is the live broker with the lowest id; it learns of a broker crash after
``broker.session.timeout.ms`` (KRaft's broker heartbeat lease). Group state and
committed offsets live in :class:`~mqsim.kafka.group.GroupCoordinator` (Kafka keeps them
in the replicated ``__consumer_offsets`` topic; mqsim keeps them safe from broker
crashes, as replication would); so does transaction state
(:class:`~mqsim.kafka.txn.TransactionCoordinator`). Logs survive a broker crash (they are on
disk; mqsim does not model unflushed page cache). Retention (``retention.ms``,
``retention.bytes``) deletes whole segments (``segment.bytes``) at each retention check;
the log cleaner compacts ``cleanup.policy=compact`` topics (see :meth:`clean_logs`).
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mqsim.kafka.errors import KafkaModelError
from mqsim.kafka.log import PartitionLog, RecordBatch, Slice
from mqsim.sim import InvalidArgument, Timer

if TYPE_CHECKING:
    from mqsim.kafka.group import GroupCoordinator
    from mqsim.sim import World

#: Broker configuration defaults (Apache Kafka 3.x), plus mqsim's own switches.
BROKER_DEFAULTS: dict[str, Any] = {
    "auto.create.topics.enable": True,
    "num.partitions": 1,
    "default.replication.factor": 1,
    "min.insync.replicas": 1,
    "unclean.leader.election.enable": False,
    "replica.lag.time.max.ms": 30000,
    "replica.fetch.wait.max.ms": 500,
    "replica.fetch.max.bytes": 1048576,
    "replica.fetch.backoff.ms": 1000,
    "group.initial.rebalance.delay.ms": 3000,
    "group.min.session.timeout.ms": 6000,
    "group.max.session.timeout.ms": 1800000,
    "message.max.bytes": 1048588,
    "log.retention.ms": 604800000,
    "log.retention.bytes": -1,
    "log.segment.bytes": 1073741824,
    "log.retention.check.interval.ms": 300000,
    "log.cleanup.policy": "delete",
    "log.cleaner.enable": True,
    "log.cleaner.backoff.ms": 15000,
    "log.cleaner.min.cleanable.ratio": 0.5,
    "log.cleaner.delete.retention.ms": 86400000,
    "broker.session.timeout.ms": 9000,
    "delete.topic.enable": True,
    "transaction.timeout.ms": 60000,
    # mqsim: the librdkafka mock cluster accepts any topic name; a real broker does not.
    "mqsim.validate.topic.names": True,
}

#: Topic-level configs and the broker default each one falls back to.
TOPIC_CONFIGS: dict[str, str] = {
    "cleanup.policy": "log.cleanup.policy",
    "min.cleanable.dirty.ratio": "log.cleaner.min.cleanable.ratio",
    "delete.retention.ms": "log.cleaner.delete.retention.ms",
    "min.insync.replicas": "min.insync.replicas",
    "retention.ms": "log.retention.ms",
    "retention.bytes": "log.retention.bytes",
    "segment.bytes": "log.segment.bytes",
    "max.message.bytes": "message.max.bytes",
    "unclean.leader.election.enable": "unclean.leader.election.enable",
}


@dataclass(frozen=True, slots=True)
class PartitionInfo:
    """Metadata of one partition as a client sees it."""

    id: int
    leader: int
    replicas: tuple[int, ...]
    isrs: tuple[int, ...]
    error: KafkaModelError | None = None


@dataclass(frozen=True, slots=True)
class TopicInfo:
    """Metadata of one topic as a client sees it."""

    topic: str
    partitions: dict[int, PartitionInfo]
    error: KafkaModelError | None = None


@dataclass(frozen=True, slots=True)
class BrokerInfo:
    """A broker as metadata shows it."""

    id: int
    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.host}:{self.port}/{self.id}"


@dataclass(frozen=True, slots=True)
class Metadata:
    """A metadata response: brokers, controller and the topics asked for."""

    cluster_id: str
    controller_id: int
    brokers: dict[int, BrokerInfo]
    topics: dict[str, TopicInfo]
    orig_broker_id: int
    orig_broker_name: str


@dataclass(frozen=True, slots=True)
class ProduceResult:
    """A produce response for one batch."""

    base_offset: int
    error: KafkaModelError | None = None
    log_append_time: int = -1


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A fetch response for one partition."""

    slices: list[Slice]
    high_watermark: int
    last_stable_offset: int
    log_start_offset: int
    error: KafkaModelError | None = None


@dataclass(frozen=True, slots=True)
class PartitionStatistics:
    """A partition's replication state."""

    topic: str
    partition: int
    leader: int
    epoch: int
    replicas: tuple[int, ...]
    isr: tuple[int, ...]
    high_watermark: int
    log_end_offset: int
    log_start_offset: int


@dataclass(frozen=True, slots=True)
class ClusterStatistics:
    """Brokers up, controller, topics, partitions and records stored."""

    brokers: tuple[tuple[str, bool], ...]
    controller: int
    topics: int
    partitions: int
    records: int
    elections: int
    unclean_elections: int


class Broker:
    """One Kafka broker node (``node.id`` ``id``, node name ``name`` = ``host:port``)."""

    def __init__(self, cluster: KafkaCluster, broker_id: int, name: str) -> None:
        self.cluster = cluster
        self.id = broker_id
        self.name = name
        host, _, port = name.rpartition(":")
        self.host = host or name
        self.port = int(port) if port.isdigit() else 9092
        self.up = True
        self.fenced = False
        self.calls: dict[int, Call] = {}

    def __repr__(self) -> str:
        state = "up" if self.up else "down"
        return f"<Broker {self.id} {self.name!r} {state}>"

    def info(self) -> BrokerInfo:
        """This broker as metadata shows it."""
        return BrokerInfo(self.id, self.host, self.port)


class Call:
    """One request in flight from a client to a broker: its reply or failure callback."""

    __slots__ = ("broker", "done", "fail", "key", "reply", "timer")

    def __init__(
        self,
        broker: Broker,
        key: int,
        reply: Callable[[Any], object],
        fail: Callable[[KafkaModelError], object],
    ) -> None:
        self.broker = broker
        self.key = key
        self.reply = reply
        self.fail = fail
        self.done = False
        self.timer: Timer | None = None

    def complete(self, result: Any) -> None:
        """The response arrived."""
        if self.done:
            return
        self._finish()
        self.reply(result)

    def failed(self, error: KafkaModelError) -> None:
        """The request timed out or its connection broke."""
        if self.done:
            return
        self._finish()
        self.fail(error)

    def _finish(self) -> None:
        self.done = True
        if self.timer is not None:
            self.timer.cancel()
        self.broker.calls.pop(self.key, None)


Responder = Callable[[Any], None]


class Partition:
    """A partition: its replicas' logs, leader, epoch, ISR and high watermark."""

    def __init__(self, topic: Topic, index: int, replicas: Sequence[int]) -> None:
        self.topic = topic
        self.index = index
        self.where = f"{topic.name}/{index}"
        self.replicas = list(replicas)
        self.logs: dict[int, PartitionLog] = {b: PartitionLog() for b in self.replicas}
        self.leader = self.replicas[0]
        self.epoch = 0
        self.isr = list(self.replicas)
        self.hw = 0
        self.follower_leo: dict[int, int] = dict.fromkeys(self.replicas, 0)
        self.caught_up_at: dict[int, float] = dict.fromkeys(self.replicas, 0.0)
        self.ack_waiters: list[tuple[int, Responder, ProduceResult]] = []
        self.fetch_waiters: list[tuple[Timer, Callable[[], None]]] = []
        self.parked_followers: dict[int, tuple[Timer, Callable[[], None]]] = {}
        self.following: set[int] = set()
        # idempotent producers: pid -> (producer epoch, next expected sequence,
        # (first sequence, base offset) of the last 5 batches, as Kafka's producer state keeps)
        self.producers: dict[int, tuple[int, int, tuple[tuple[int, int], ...]]] = {}
        # open transactions: pid -> first offset of the transaction
        self.open_txns: dict[int, int] = {}
        # the log cleaner's checkpoint: records below it were compacted already
        self.cleaned_to = 0
        self.aborted: list[tuple[int, int, int]] = []

    def __repr__(self) -> str:
        return (
            f"<Partition {self.where} leader={self.leader} epoch={self.epoch} "
            f"isr={self.isr} hw={self.hw} leo={self.leo}>"
        )

    @property
    def leader_log(self) -> PartitionLog:
        """The leader's replica (the first replica's while offline)."""
        return self.logs[self.leader if self.leader >= 0 else self.replicas[0]]

    @property
    def leo(self) -> int:
        """The leader's log end offset."""
        return self.leader_log.end_offset

    @property
    def lso(self) -> int:
        """The last stable offset: the HW, or the first offset of the oldest open transaction."""
        if not self.open_txns:
            return self.hw
        return min(self.hw, *self.open_txns.values())

    def config(self, name: str) -> Any:
        """The topic config ``name`` (topic override or broker default)."""
        return self.topic.config(name)

    def statistics(self) -> PartitionStatistics:
        """Leader, epoch, replicas, ISR and offsets."""
        log = self.leader_log
        return PartitionStatistics(
            self.topic.name,
            self.index,
            self.leader,
            self.epoch,
            tuple(self.replicas),
            tuple(self.isr),
            self.hw,
            log.end_offset,
            log.start_offset,
        )

    def info(self) -> PartitionInfo:
        """This partition as metadata shows it."""
        error = None
        if self.leader < 0:
            error = KafkaModelError("LEADER_NOT_AVAILABLE")
        return PartitionInfo(self.index, self.leader, tuple(self.replicas), tuple(self.isr), error)


class Topic:
    """A topic: its partitions and config overrides."""

    def __init__(self, cluster: KafkaCluster, name: str, overrides: Mapping[str, Any]) -> None:
        self.cluster = cluster
        self.name = name
        self.overrides = dict(overrides)
        self.partitions: list[Partition] = []
        self.id = f"{zlib.crc32(name.encode()):08x}-{cluster.world.next_number('kafka-topic')}"
        self.compacted = "compact" in str(self.config("cleanup.policy"))

    def __repr__(self) -> str:
        rf = len(self.partitions[0].replicas) if self.partitions else 0
        return f"<Topic {self.name!r} partitions={len(self.partitions)} rf={rf}>"

    def config(self, name: str) -> Any:
        """A topic config: the override, else the broker default it falls back to."""
        if name in self.overrides:
            return self.overrides[name]
        return self.cluster.config[TOPIC_CONFIGS.get(name, name)]


class KafkaCluster:
    """A Kafka cluster in a world.

    ``brokers`` is a number (node names ``kafka-1:9092``, ``kafka-2:9092``, ...) or a list
    of node names (``["localhost:9092"]``); broker ids count from 1 in that order.
    ``config`` overrides :data:`BROKER_DEFAULTS`.
    """

    def __init__(
        self,
        world: World,
        *,
        brokers: int | Sequence[str] = 1,
        config: Mapping[str, Any] | None = None,
        name: str = "kafka",
    ) -> None:
        from mqsim.kafka.group import GroupCoordinator
        from mqsim.kafka.txn import TransactionCoordinator

        self.world = world
        self.name = name
        self.config: dict[str, Any] = dict(BROKER_DEFAULTS)
        for key, value in (config or {}).items():
            if key not in BROKER_DEFAULTS:
                raise InvalidArgument(
                    f"config: unknown broker setting {key!r} (known: {', '.join(BROKER_DEFAULTS)})"
                )
            self.config[key] = value
        if isinstance(brokers, int):
            if brokers < 1:
                raise InvalidArgument(f"brokers: expected at least 1, got {brokers}")
            node_names = [f"{name}-{i}:9092" for i in range(1, brokers + 1)]
        else:
            node_names = list(brokers)
            if not node_names:
                raise InvalidArgument("brokers: expected at least one broker name")
        self.brokers: dict[int, Broker] = {}
        for number, node in enumerate(node_names, start=1):
            broker = Broker(self, number, node)
            self.brokers[number] = broker
            world.add_node(
                node,
                broker,
                on_crash=functools.partial(self._crashed, broker),
                on_restart=functools.partial(self._restarted, broker),
            )
        self.topics: dict[str, Topic] = {}
        self.cluster_id = f"mqsim-{name}"
        self.groups: GroupCoordinator = GroupCoordinator(self)
        self.elections = 0
        self.unclean_elections = 0
        self._calls = 0
        self._lag_timer: Timer | None = None
        self._retention_timer: Timer | None = None
        self._cleaner_timer: Timer | None = None
        self.txns = TransactionCoordinator(self)
        self._next_producer_id = 1000

    def __repr__(self) -> str:
        up = sum(1 for b in self.brokers.values() if b.up)
        return (
            f"<KafkaCluster {self.name!r} brokers={up}/{len(self.brokers)} "
            f"topics={len(self.topics)}>"
        )

    # -- brokers, controller ----------

    @property
    def controller(self) -> Broker:
        """The controller: the live, unfenced broker with the lowest id (else broker 1)."""
        for broker in self.brokers.values():
            if broker.up and not broker.fenced:
                return broker
        return self.brokers[1]

    def broker(self, broker_id: int) -> Broker:
        """The broker with this id."""
        return self.brokers[broker_id]

    def broker_by_name(self, name: str) -> Broker | None:
        """The broker whose node name is ``name``."""
        for broker in self.brokers.values():
            if broker.name == name:
                return broker
        return None

    def statistics(self) -> ClusterStatistics:
        """Brokers, controller, counts of topics, partitions, records and elections."""
        partitions = [p for t in self.topics.values() for p in t.partitions]
        return ClusterStatistics(
            brokers=tuple((b.name, b.up) for b in self.brokers.values()),
            controller=self.controller.id,
            topics=len(self.topics),
            partitions=len(partitions),
            records=sum(p.leader_log.end_offset - p.leader_log.start_offset for p in partitions),
            elections=self.elections,
            unclean_elections=self.unclean_elections,
        )

    # -- requests over the network ----------

    def request(
        self,
        client: str,
        broker: Broker,
        handler: Callable[..., None],
        args: tuple[Any, ...],
        reply: Callable[[Any], object],
        fail: Callable[[KafkaModelError], object],
        timeout: float,
    ) -> Call:
        """Send a request from node ``client`` to ``broker``; ``handler(respond, *args)``
        runs there at arrival. ``reply(result)`` runs at the client when the response
        arrives, ``fail(error)`` if it never does (``_TIMED_OUT`` after ``timeout``
        seconds, or ``_TRANSPORT`` at once when the broker is down or crashes).
        """
        world = self.world
        self._calls += 1
        call = Call(broker, self._calls, reply, fail)
        broker.calls[call.key] = call
        if not broker.up:
            world.call_later(0.0, call.failed, _transport(broker))
            return call
        call.timer = world.call_later(timeout, call.failed, KafkaModelError("_TIMED_OUT"))
        delay = world.net.delay(client, broker.name)
        if delay is not None:
            world.call_later(delay, self._arrive, client, broker, call, handler, args)
        return call

    def _arrive(
        self,
        client: str,
        broker: Broker,
        call: Call,
        handler: Callable[..., None],
        args: tuple[Any, ...],
    ) -> None:
        if not broker.up or call.done:
            return

        def respond(result: Any) -> None:
            if call.done or not broker.up:
                return
            delay = self.world.net.delay(broker.name, client)
            if delay is not None:
                self.world.call_later(delay, call.complete, result)

        handler(respond, *args)

    # -- topics ----------

    def create_topic(
        self,
        name: str,
        partitions: int | None = None,
        replication_factor: int | None = None,
        *,
        config: Mapping[str, Any] | None = None,
        replicas: Sequence[Sequence[int]] | None = None,
    ) -> Topic:
        """Create a topic (CreateTopics): raises :class:`KafkaModelError` as the broker answers.

        Replicas are placed round-robin over the brokers, starting at a different broker for
        each partition, as Kafka's rack-unaware placement does.
        """
        if self.config["mqsim.validate.topic.names"]:
            from mqsim.kafka import names

            problem = names.validate_topic_name(name)
            if problem is not None:
                raise KafkaModelError("INVALID_TOPIC_EXCEPTION", problem)
        if name in self.topics:
            raise KafkaModelError("TOPIC_ALREADY_EXISTS", f"Topic '{name}' already exists.")
        count = self.config["num.partitions"] if partitions in (None, -1) else partitions
        rf = (
            self.config["default.replication.factor"]
            if replication_factor in (None, -1)
            else replication_factor
        )
        assert count is not None
        assert rf is not None
        if count < 1:
            raise KafkaModelError(
                "INVALID_PARTITIONS", "Number of partitions must be larger than 0."
            )
        if rf < 1:
            raise KafkaModelError(
                "INVALID_REPLICATION_FACTOR", "Replication factor must be larger than 0."
            )
        if rf > len(self.brokers):
            raise KafkaModelError(
                "INVALID_REPLICATION_FACTOR",
                f"Replication factor: {rf} larger than available brokers: {len(self.brokers)}.",
            )
        overrides = {}
        for key, value in (config or {}).items():
            if key not in TOPIC_CONFIGS:
                raise KafkaModelError("INVALID_CONFIG", f"Unknown topic config name: {key}")
            overrides[key] = self._topic_config_value(key, value)
        topic = Topic(self, name, overrides)
        self.topics[name] = topic
        self._add_partitions(topic, count, rf, replicas)
        return topic

    def _topic_config_value(self, key: str, value: Any) -> Any:
        """A topic config as the broker parses it (CreateTopics sends strings)."""
        default = self.config[TOPIC_CONFIGS[key]]
        text = str(value).strip()
        if isinstance(default, bool):
            if text.lower() in ("true", "false"):
                return text.lower() == "true"
            raise KafkaModelError(
                "INVALID_CONFIG",
                f"Invalid value {value} for configuration {key}: Expected value to be either "
                "true or false",
            )
        if isinstance(default, int | float):
            try:
                return int(text) if isinstance(default, int) else float(text)
            except ValueError:
                kind = "LONG" if isinstance(default, int) else "DOUBLE"
                raise KafkaModelError(
                    "INVALID_CONFIG",
                    f"Invalid value {value} for configuration {key}: Not a number of type {kind}",
                ) from None
        return text

    def _add_partitions(
        self, topic: Topic, total: int, rf: int, replicas: Sequence[Sequence[int]] | None
    ) -> None:
        ids = sorted(self.brokers)
        start = len(topic.partitions)
        for index in range(start, total):
            if replicas is not None:
                chosen = list(replicas[index - start])
            else:
                first = (index + zlib.crc32(topic.name.encode())) % len(ids)
                chosen = [ids[(first + k) % len(ids)] for k in range(rf)]
            partition = Partition(topic, index, chosen)
            topic.partitions.append(partition)
            live = [b for b in chosen if self.brokers[b].up and not self.brokers[b].fenced]
            partition.isr = live or chosen[:1]
            partition.leader = live[0] if live else -1
            self._trace_leader(partition, clean=True)
            for follower in partition.replicas:
                if follower != partition.leader and follower in live:
                    self._start_following(partition, follower)
        if rf > 1:
            self._start_lag_checks()
        self._start_retention()
        if topic.compacted and self.config["log.cleaner.enable"]:
            self._start_cleaner()

    def create_partitions(self, name: str, total: int) -> None:
        """Grow topic ``name`` to ``total`` partitions (CreatePartitions)."""
        topic = self.topics.get(name)
        if topic is None:
            raise KafkaModelError("UNKNOWN_TOPIC_OR_PART")
        if total <= len(topic.partitions):
            raise KafkaModelError(
                "INVALID_PARTITIONS",
                f"Topic currently has {len(topic.partitions)} partitions, which is higher than "
                f"the requested {total}.",
            )
        self._add_partitions(topic, total, len(topic.partitions[0].replicas), None)

    def delete_topic(self, name: str) -> None:
        """Delete topic ``name`` (DeleteTopics); its records end with reason ``topic-deleted``."""
        if not self.config["delete.topic.enable"]:
            raise KafkaModelError("TOPIC_DELETION_DISABLED")
        topic = self.topics.pop(name, None)
        if topic is None:
            raise KafkaModelError("UNKNOWN_TOPIC_OR_PART")
        trace = self.world.trace
        for partition in topic.partitions:
            for timer, _wake in partition.fetch_waiters:
                timer.cancel()
            partition.fetch_waiters.clear()
            if trace.full:
                log = partition.leader_log
                for _offset, mid in log.ids_from(log.start_offset):
                    trace.emit(
                        "msg.drop",
                        self._leader_name(partition),
                        mid,
                        where=partition.where,
                        reason="topic-deleted",
                    )

    def topic(self, name: str) -> Topic:
        """The topic ``name`` (raises ``UNKNOWN_TOPIC_OR_PART``)."""
        found = self.topics.get(name)
        if found is None:
            raise KafkaModelError("UNKNOWN_TOPIC_OR_PART")
        return found

    def partition(self, topic: str, index: int) -> Partition:
        """Partition ``index`` of ``topic`` (raises ``UNKNOWN_TOPIC_OR_PART``)."""
        found = self.topics.get(topic)
        if found is None or not 0 <= index < len(found.partitions):
            raise KafkaModelError("UNKNOWN_TOPIC_OR_PART")
        return found.partitions[index]

    def records(self, topic: str, index: int) -> list[tuple[int, bytes | None, bytes | None]]:
        """``(offset, key, value)`` of what the leader's log of a partition holds (tests)."""
        partition = self.partition(topic, index)
        out = []
        for batch in partition.leader_log.batches:
            if batch.control:
                continue
            for i in range(len(batch.values)):
                out.append((batch.base_offset + i, batch.keys[i], batch.values[i]))
        return out

    # -- metadata ----------

    def metadata(
        self, broker: Broker, topics: Iterable[str] | None, *, auto_create: bool = False
    ) -> Metadata:
        """A Metadata response from ``broker`` for ``topics`` (all topics if None).

        With ``auto_create`` and the broker's ``auto.create.topics.enable``, unknown topics
        are created with ``num.partitions`` and ``default.replication.factor``.
        """
        infos: dict[str, TopicInfo] = {}
        wanted = sorted(self.topics) if topics is None else list(topics)
        for name in wanted:
            topic = self.topics.get(name)
            if topic is None and auto_create and self.config["auto.create.topics.enable"]:
                try:
                    topic = self.create_topic(name)
                except KafkaModelError as problem:
                    infos[name] = TopicInfo(name, {}, problem)
                    continue
            if topic is None:
                infos[name] = TopicInfo(name, {}, KafkaModelError("UNKNOWN_TOPIC_OR_PART"))
                continue
            infos[name] = TopicInfo(name, {p.index: p.info() for p in topic.partitions})
        brokers = {b.id: b.info() for b in self.brokers.values() if b.up and not b.fenced}
        return Metadata(self.cluster_id, self.controller.id, brokers, infos, broker.id, broker.name)

    def handle_metadata(
        self, respond: Responder, broker: Broker, topics: list[str] | None, auto_create: bool
    ) -> None:
        """Metadata request handler."""
        respond(self.metadata(broker, topics, auto_create=auto_create))

    # -- produce ----------

    def allocate_producer_id(self) -> int:
        """InitProducerId: a fresh producer id."""
        self._next_producer_id += 1
        return self._next_producer_id

    def handle_produce(
        self,
        respond: Responder,
        broker: Broker,
        topic: str,
        index: int,
        batch: RecordBatch,
        acks: int,
    ) -> None:
        """Produce request handler for one batch (acks 0, 1 or -1 = all)."""
        result = self.produce(broker, topic, index, batch, acks, respond)
        if result is not None and acks != 0:
            respond(result)

    def produce(
        self,
        broker: Broker,
        topic: str,
        index: int,
        batch: RecordBatch,
        acks: int,
        respond: Responder | None = None,
    ) -> ProduceResult | None:
        """Append ``batch`` at the leader; the result, or None when ``acks=all`` must wait."""
        found = self.topics.get(topic)
        if found is None or not 0 <= index < len(found.partitions):
            return ProduceResult(-1, KafkaModelError("UNKNOWN_TOPIC_OR_PART"))
        partition = found.partitions[index]
        if partition.leader != broker.id:
            return ProduceResult(-1, KafkaModelError("NOT_LEADER_FOR_PARTITION"))
        if batch.size > partition.config("max.message.bytes") and len(batch) == 1:
            return ProduceResult(-1, KafkaModelError("MSG_SIZE_TOO_LARGE"))
        if partition.topic.compacted and None in batch.keys:
            # Kafka: "Compacted topic cannot accept message without key in topic partition"
            return ProduceResult(-1, KafkaModelError("INVALID_RECORD"))
        if acks == -1 and len(partition.isr) < partition.config("min.insync.replicas"):
            return ProduceResult(-1, KafkaModelError("NOT_ENOUGH_REPLICAS"))
        if batch.producer_id >= 0 and batch.base_sequence >= 0:
            verdict = self._check_sequence(partition, batch)
            if verdict is not None:
                return verdict
        if batch.base_offset >= 0:
            # Kafka decodes every request into records of its own; mqsim hands the
            # producer's batch object over, so a retry of a batch some log already holds
            # (a lost response, a new leader) is stored as a copy, never the same object.
            batch = batch.copy()
            batch.delete_horizon = -1.0
        log = partition.leader_log
        world = self.world
        base = log.append(batch, epoch=partition.epoch, now=world.now)
        if batch.producer_id >= 0 and batch.base_sequence >= 0:
            state = partition.producers.get(batch.producer_id)
            recent = () if state is None or state[0] != batch.producer_epoch else state[2]
            partition.producers[batch.producer_id] = (
                batch.producer_epoch,
                batch.base_sequence + len(batch),
                (*recent[-4:], (batch.base_sequence, base)),
            )
        if batch.transactional and batch.producer_id not in partition.open_txns:
            partition.open_txns[batch.producer_id] = base
        trace = world.trace
        if trace.full and batch.ids is not None:
            where = partition.where
            for i, mid in enumerate(batch.ids):
                trace.emit("msg.store", broker.name, mid, where=where, offset=base + i)
        result = ProduceResult(base)
        self.appended(partition)
        if acks == -1 and partition.hw < log.end_offset:
            if respond is not None:
                partition.ack_waiters.append((log.end_offset, respond, result))
            return None
        return result

    def _check_sequence(self, partition: Partition, batch: RecordBatch) -> ProduceResult | None:
        state = partition.producers.get(batch.producer_id)
        if state is None:
            if batch.base_sequence != 0:
                return ProduceResult(-1, KafkaModelError("OUT_OF_ORDER_SEQUENCE_NUMBER"))
            return None
        epoch, expected, recent = state
        if batch.producer_epoch < epoch:
            return ProduceResult(-1, KafkaModelError("INVALID_PRODUCER_EPOCH"))
        if batch.producer_epoch > epoch:
            return (
                None
                if batch.base_sequence == 0
                else ProduceResult(-1, KafkaModelError("OUT_OF_ORDER_SEQUENCE_NUMBER"))
            )
        for first, base in recent:
            if first == batch.base_sequence:
                # Kafka: a retry of one of the last 5 batches is acknowledged with the
                # offset it was first written at, and not written again.
                return ProduceResult(base, None)
        if batch.base_sequence != expected:
            if batch.base_sequence < expected:
                return ProduceResult(-1, KafkaModelError("DUPLICATE_SEQUENCE_NUMBER"))
            return ProduceResult(-1, KafkaModelError("OUT_OF_ORDER_SEQUENCE_NUMBER"))
        return None

    def appended(self, partition: Partition) -> None:
        """Something was appended to the leader's log: move the HW or wake the followers."""
        if len(partition.isr) == 1:
            self._advance_hw(partition, partition.leader_log.end_offset)
        else:
            self._wake_followers(partition)

    def _advance_hw(self, partition: Partition, hw: int) -> None:
        """Move the high watermark to ``hw`` and answer the acks=all produces it covers.

        Kafka (Partition.checkEnoughReplicasReachOffset): a waiting acks=all produce
        completes once the HW passes its batch; if by then the ISR is smaller than
        min.insync.replicas, the answer is NOT_ENOUGH_REPLICAS_AFTER_APPEND (the records
        stay in the log; the producer may retry and so duplicate them), not success.
        """
        if hw <= partition.hw:
            return
        partition.hw = hw
        if partition.ack_waiters:
            still = []
            enough = len(partition.isr) >= partition.config("min.insync.replicas")
            for end, respond, result in partition.ack_waiters:
                if end > hw:
                    still.append((end, respond, result))
                elif enough:
                    respond(result)
                else:
                    respond(ProduceResult(-1, KafkaModelError("NOT_ENOUGH_REPLICAS_AFTER_APPEND")))
            partition.ack_waiters = still
        if partition.fetch_waiters:
            waiters, partition.fetch_waiters = partition.fetch_waiters, []
            for timer, wake in waiters:
                timer.cancel()
                wake()

    # -- fetch ----------

    def handle_fetch(
        self,
        respond: Responder,
        broker: Broker,
        client: str,
        topic: str,
        index: int,
        offset: int,
        max_bytes: int,
        wait: float,
        read_committed: bool,
    ) -> None:
        """Fetch request handler for one partition (long poll up to ``wait`` seconds)."""
        found = self.topics.get(topic)
        if found is None or not 0 <= index < len(found.partitions):
            respond(FetchResult([], -1, -1, -1, KafkaModelError("UNKNOWN_TOPIC_OR_PART")))
            return
        partition = found.partitions[index]
        if partition.leader != broker.id:
            respond(FetchResult([], -1, -1, -1, KafkaModelError("NOT_LEADER_FOR_PARTITION")))
            return
        log = partition.leader_log
        if offset < log.start_offset or offset > log.end_offset:
            respond(
                FetchResult(
                    [],
                    partition.hw,
                    partition.lso,
                    log.start_offset,
                    KafkaModelError("OFFSET_OUT_OF_RANGE"),
                )
            )
            return
        limit = partition.lso if read_committed else partition.hw
        slices = log.read(offset, limit, max_bytes)
        if slices or wait <= 0:
            self._fetched(respond, broker, client, partition, slices, read_committed)
            return

        def wake() -> None:
            if broker.up and partition.leader == broker.id:
                limit = partition.lso if read_committed else partition.hw
                found = log.read(offset, limit, max_bytes)
                self._fetched(respond, broker, client, partition, found, read_committed)

        def expire() -> None:
            partition.fetch_waiters = [w for w in partition.fetch_waiters if w[1] is not wake]
            wake()

        timer = self.world.call_later(wait, expire)
        partition.fetch_waiters.append((timer, wake))

    def _fetched(
        self,
        respond: Responder,
        broker: Broker,
        client: str,
        partition: Partition,
        slices: list[Slice],
        read_committed: bool,
    ) -> None:
        trace = self.world.trace
        if trace.full:
            where = partition.where
            for batch, i, j in slices:
                if batch.ids is None or batch.control:
                    continue
                base = batch.base_offset
                for k in range(i, j):
                    trace.emit(
                        "msg.deliver",
                        broker.name,
                        batch.ids[k],
                        where=where,
                        consumer=client,
                        offset=base + k,
                    )
        log = partition.leader_log
        respond(FetchResult(slices, partition.hw, partition.lso, log.start_offset))

    def list_offsets(self, topic: str, index: int, spec: int, read_committed: bool) -> int:
        """ListOffsets: -2 earliest (log start), -1 latest (HW, or LSO), or a timestamp."""
        partition = self.partition(topic, index)
        if partition.leader < 0:
            raise KafkaModelError("LEADER_NOT_AVAILABLE")
        log = partition.leader_log
        if spec == -2:
            return log.start_offset
        if spec == -1:
            return partition.lso if read_committed else partition.hw
        found = log.offset_for_time(spec)
        if found is None or found >= partition.hw:
            return -1
        return found

    def handle_list_offsets(
        self, respond: Responder, topic: str, index: int, spec: int, read_committed: bool
    ) -> None:
        """ListOffsets request handler."""
        try:
            respond(self.list_offsets(topic, index, spec, read_committed))
        except KafkaModelError as problem:
            respond(problem)

    # -- replication ----------

    def leader_name(self, partition: Partition) -> str:
        """The node name of the partition's leader (the controller's while offline)."""
        return self._leader_name(partition)

    def _leader_name(self, partition: Partition) -> str:
        if partition.leader >= 0:
            return self.brokers[partition.leader].name
        return self.controller.name

    def _trace_leader(self, partition: Partition, *, clean: bool) -> None:
        trace = self.world.trace
        if trace.active:
            trace.emit(
                "kafka.leader",
                self.controller.name,
                None,
                topic=partition.topic.name,
                partition=partition.index,
                leader=partition.leader,
                epoch=partition.epoch,
                isr=list(partition.isr),
                clean=clean,
            )

    def _trace_isr(self, partition: Partition) -> None:
        trace = self.world.trace
        if trace.active:
            trace.emit(
                "kafka.isr",
                self._leader_name(partition),
                None,
                topic=partition.topic.name,
                partition=partition.index,
                isr=list(partition.isr),
            )

    def _start_following(self, partition: Partition, follower: int) -> None:
        if follower in partition.following:
            return
        partition.following.add(follower)
        self.world.call_later(0.0, self._follower_fetch, partition, follower, partition.epoch)

    def _follower_fetch(self, partition: Partition, follower: int, epoch: int) -> None:
        """The follower sends a replica fetch to the leader."""
        world = self.world
        broker = self.brokers[follower]
        if (
            not broker.up
            or partition.epoch != epoch
            or partition.leader < 0
            or partition.leader == follower
            or partition.topic.name not in self.topics
        ):
            partition.following.discard(follower)
            return
        leader = self.brokers[partition.leader]
        delay = world.net.delay(broker.name, leader.name)
        if delay is None:
            backoff = self.config["replica.fetch.backoff.ms"] / 1000
            world.call_later(backoff, self._follower_fetch, partition, follower, epoch)
            return
        offset = partition.logs[follower].end_offset
        world.call_later(delay, self._leader_gets_fetch, partition, follower, epoch, offset)

    def _leader_gets_fetch(
        self, partition: Partition, follower: int, epoch: int, offset: int
    ) -> None:
        world = self.world
        if (
            partition.epoch != epoch
            or partition.leader < 0
            or not self.brokers[partition.leader].up
        ):
            world.call_later(
                self.config["replica.fetch.backoff.ms"] / 1000,
                self._follower_fetch,
                partition,
                follower,
                epoch,
            )
            return
        log = partition.leader_log
        partition.follower_leo[follower] = offset
        if offset >= log.end_offset:
            partition.caught_up_at[follower] = world.now
        if follower not in partition.isr and offset >= partition.hw and offset >= log.end_offset:
            partition.isr.append(follower)
            partition.isr.sort(key=partition.replicas.index)
            self._trace_isr(partition)
        self._update_hw(partition)
        slices = log.read(offset, log.end_offset, self.config["replica.fetch.max.bytes"])
        if slices:
            self._send_to_follower(partition, follower, epoch, slices)
            return

        def wake() -> None:
            partition.parked_followers.pop(follower, None)
            found = log.read(offset, log.end_offset, self.config["replica.fetch.max.bytes"])
            self._send_to_follower(partition, follower, epoch, found)

        timer = world.call_later(self.config["replica.fetch.wait.max.ms"] / 1000, wake)
        partition.parked_followers[follower] = (timer, wake)

    def _wake_followers(self, partition: Partition) -> None:
        if partition.parked_followers:
            parked, partition.parked_followers = partition.parked_followers, {}
            for timer, wake in parked.values():
                timer.cancel()
                wake()

    def _send_to_follower(
        self, partition: Partition, follower: int, epoch: int, slices: list[Slice]
    ) -> None:
        world = self.world
        if partition.leader < 0:
            return
        leader = self.brokers[partition.leader]
        delay = world.net.delay(leader.name, self.brokers[follower].name)
        if delay is None:
            world.call_later(
                self.config["replica.fetch.backoff.ms"] / 1000,
                self._follower_fetch,
                partition,
                follower,
                epoch,
            )
            return
        world.call_later(delay, self._follower_gets_data, partition, follower, epoch, slices)

    def _follower_gets_data(
        self, partition: Partition, follower: int, epoch: int, slices: list[Slice]
    ) -> None:
        if not self.brokers[follower].up or partition.epoch != epoch:
            partition.following.discard(follower)
            if self.brokers[follower].up and partition.leader not in (-1, follower):
                self._start_following_later(partition, follower)
            return
        log = partition.logs[follower]
        for batch, i, j in slices:
            if i == 0 and j == len(batch.values) and batch.base_offset >= log.end_offset:
                log.append_copy(batch)
            elif batch.base_offset + i >= log.end_offset:
                log.append_copy(batch.part(i, j))
        self._follower_fetch(partition, follower, epoch)

    def _start_following_later(self, partition: Partition, follower: int) -> None:
        partition.following.discard(follower)
        self._start_following(partition, follower)

    def _update_hw(self, partition: Partition) -> None:
        log = partition.leader_log
        ends = [log.end_offset]
        for member in partition.isr:
            if member != partition.leader:
                ends.append(partition.follower_leo.get(member, 0))
        self._advance_hw(partition, min(ends))

    def _start_lag_checks(self) -> None:
        if self._lag_timer is None:
            period = self.config["replica.lag.time.max.ms"] / 2000
            self._lag_timer = self.world.call_later(period, self._check_lag)

    def _check_lag(self) -> None:
        """Kafka: a follower not caught up for ``replica.lag.time.max.ms`` leaves the ISR."""
        world = self.world
        lag = self.config["replica.lag.time.max.ms"] / 1000
        for topic in list(self.topics.values()):
            for partition in topic.partitions:
                if partition.leader < 0 or not self.brokers[partition.leader].up:
                    continue
                log = partition.leader_log
                stale = [
                    member
                    for member in partition.isr
                    if member != partition.leader
                    and partition.follower_leo.get(member, 0) < log.end_offset
                    and world.now - partition.caught_up_at.get(member, 0.0) > lag
                ]
                if stale:
                    partition.isr = [m for m in partition.isr if m not in stale]
                    self._trace_isr(partition)
                    self._update_hw(partition)
        self._lag_timer = world.call_later(lag / 2, self._check_lag)

    # -- retention ----------

    def _start_retention(self) -> None:
        if self._retention_timer is None:
            period = self.config["log.retention.check.interval.ms"] / 1000
            self._retention_timer = self.world.call_later(period, self._enforce_retention)

    def enforce_retention(self) -> None:
        """Delete old segments by ``retention.ms`` and ``retention.bytes`` (a retention check).

        Kafka: a partition log is a series of segments; a new segment starts when the next
        batch would make the active one larger than ``segment.bytes``. Retention deletes
        whole segments from the start of the log, only below the high watermark: first every
        segment whose newest record is older than ``retention.ms``, then, while the log
        stays larger than ``retention.bytes`` without it, the oldest segment. The log start
        offset moves to the first record kept. mqsim: segments are computed from the batches
        (``segment.ms`` rolling is not modelled); consumers that read below the new log
        start get ``OFFSET_OUT_OF_RANGE`` and apply ``auto.offset.reset``.
        """
        now_ms = self.world.now * 1000
        for topic in list(self.topics.values()):
            if "delete" not in str(topic.config("cleanup.policy")):
                continue
            retention_ms = topic.config("retention.ms")
            retention_bytes = topic.config("retention.bytes")
            segment_bytes = topic.config("segment.bytes")
            for partition in topic.partitions:
                log = partition.leader_log
                segments = _segments(log, segment_bytes)
                keep = 0
                if retention_ms >= 0:
                    while keep < len(segments) and _deletable(log, partition, segments, keep):
                        if now_ms - segments[keep][2] <= retention_ms:
                            break
                        keep += 1
                if retention_bytes >= 0:
                    excess = sum(size for _i, size, _t, _n in segments[keep:]) - retention_bytes
                    while keep < len(segments) and _deletable(log, partition, segments, keep):
                        if excess - segments[keep][1] < 0:
                            break
                        excess -= segments[keep][1]
                        keep += 1
                if keep:
                    self._delete_records(partition, segments[keep - 1][3], "retention")

    def _delete_records(self, partition: Partition, before: int, reason: str) -> None:
        """Move the log start of every replica to ``before`` (whole batches below it go)."""
        log = partition.leader_log
        trace = self.world.trace
        for replica in partition.logs.values():
            removed = replica.delete_before(before)
            if replica is log and trace.full:
                self._trace_removed(partition, removed, reason)

    def _enforce_retention(self) -> None:
        self.enforce_retention()
        period = self.config["log.retention.check.interval.ms"] / 1000
        self._retention_timer = self.world.call_later(period, self._enforce_retention)

    # -- compaction ----------

    def _start_cleaner(self) -> None:
        if self._cleaner_timer is None:
            period = self.config["log.cleaner.backoff.ms"] / 1000
            self._cleaner_timer = self.world.call_later(period, self._clean_tick)

    def _clean_tick(self) -> None:
        self.clean_logs()
        period = self.config["log.cleaner.backoff.ms"] / 1000
        self._cleaner_timer = self.world.call_later(period, self._clean_tick)

    def clean_logs(self) -> None:
        """One pass of the log cleaner over the partitions of compacted topics.

        Kafka (``cleanup.policy=compact``): the cleaner takes a log whose dirty part (not
        compacted yet) is at least ``min.cleanable.dirty.ratio`` of it, and rewrites every
        segment before the active one (and below the high watermark) keeping only the
        latest record of each key; offsets do not change, so consumers see gaps. A
        tombstone (null value) survives its first cleaning and goes at the first cleaning
        after ``delete.retention.ms`` more (KIP-534), so consumers that are behind still
        see the delete. mqsim: segments are computed from the batches (``segment.bytes``);
        transactional batches and markers are left as they are.
        """
        now_ms = self.world.now * 1000
        for topic in list(self.topics.values()):
            if not topic.compacted:
                continue
            for partition in topic.partitions:
                if partition.leader >= 0:
                    self._clean_partition(partition, now_ms)

    def _clean_partition(self, partition: Partition, now_ms: float) -> None:
        topic = partition.topic
        log = partition.leader_log
        segments = _segments(log, topic.config("segment.bytes"))
        cleanable = len(segments) - 1  # never the active segment
        while cleanable > 0 and segments[cleanable - 1][3] > partition.hw:
            cleanable -= 1
        if cleanable <= 0:
            return
        clean_point = segments[cleanable - 1][3]
        total = sum(size for _i, size, _t, _n in segments[:cleanable])
        dirty = sum(
            batch.size
            for batch in log.batches[: segments[cleanable][0]]
            if batch.base_offset >= partition.cleaned_to
        )
        if total <= 0 or dirty / total < topic.config("min.cleanable.dirty.ratio"):
            return
        latest: dict[bytes | None, int] = {}
        for batch in log.batches[: segments[cleanable][0]]:
            if not (batch.control or batch.transactional):
                base = batch.base_offset
                for i, key in enumerate(batch.keys):
                    latest[key] = base + i
        horizon = now_ms + topic.config("delete.retention.ms")
        for replica in partition.logs.values():
            count, kept, removed = _compact(replica, clean_point, latest, now_ms, horizon)
            replica.replace_prefix(count, kept)
            if replica is log and self.world.trace.full:
                self._trace_removed(partition, removed, "compacted")
        partition.cleaned_to = clean_point

    def _trace_removed(self, partition: Partition, removed: list[Slice], reason: str) -> None:
        trace = self.world.trace
        actor = self._leader_name(partition)
        for batch, i, j in removed:
            if batch.ids is None:
                continue
            for k in range(i, j):
                trace.emit("msg.drop", actor, batch.ids[k], where=partition.where, reason=reason)

    # -- failures and elections ----------

    def _crashed(self, broker: Broker) -> None:
        broker.up = False
        world = self.world
        for call in list(broker.calls.values()):
            world.call_later(0.0, call.failed, _transport(broker))
        for topic in self.topics.values():
            for partition in topic.partitions:
                if partition.leader == broker.id:
                    for timer, _wake in partition.fetch_waiters:
                        timer.cancel()
                    partition.fetch_waiters.clear()
                    for timer, _wake in partition.parked_followers.values():
                        timer.cancel()
                    partition.parked_followers.clear()
                    partition.ack_waiters.clear()
                partition.following.discard(broker.id)
        self.groups.broker_crashed(broker)
        delay = self.config["broker.session.timeout.ms"] / 1000
        world.call_later(delay, self._fence, broker)

    def _fence(self, broker: Broker) -> None:
        """The controller notices that ``broker`` is gone and moves its leaderships."""
        if broker.up or broker.fenced:
            return
        broker.fenced = True
        for topic in self.topics.values():
            for partition in topic.partitions:
                if broker.id not in partition.replicas:
                    continue
                if broker.id in partition.isr and len(partition.isr) > 1:
                    partition.isr.remove(broker.id)
                    self._trace_isr(partition)
                if partition.leader == broker.id:
                    self._elect(partition)

    def _elect(self, partition: Partition) -> None:
        """Pick a new leader: clean from the ISR, else unclean if allowed, else offline."""
        old = partition.leader
        live = [b for b in partition.replicas if self.brokers[b].up and not self.brokers[b].fenced]
        candidates = [b for b in partition.isr if b in live]
        clean = True
        if candidates:
            new = candidates[0]
        elif live and partition.config("unclean.leader.election.enable"):
            new = live[0]
            clean = False
        else:
            partition.leader = -1
            self._trace_leader(partition, clean=True)
            return
        old_log = partition.logs[old] if old >= 0 else None
        partition.leader = new
        partition.epoch += 1
        self.elections += 1
        if not clean:
            self.unclean_elections += 1
            partition.isr = [new]
        new_log = partition.logs[new]
        if old_log is not None and old_log.end_offset > new_log.end_offset:
            lost = old_log.ids_from(new_log.end_offset)
            trace = self.world.trace
            if trace.full:
                for _offset, mid in lost:
                    trace.emit(
                        "msg.drop",
                        self.controller.name,
                        mid,
                        where=partition.where,
                        reason="truncated",
                    )
        partition.hw = min(partition.hw, new_log.end_offset)
        for member in partition.replicas:
            partition.follower_leo[member] = partition.logs[member].end_offset
            partition.caught_up_at[member] = self.world.now
        self._trace_leader(partition, clean=clean)
        for waiters in (partition.fetch_waiters,):
            for timer, _wake in waiters:
                timer.cancel()
            waiters.clear()
        for _end, respond, _result in partition.ack_waiters:
            respond(ProduceResult(-1, KafkaModelError("NOT_LEADER_FOR_PARTITION")))
        partition.ack_waiters.clear()
        for follower in live:
            if follower != new:
                self._become_follower(partition, follower)
        self._update_hw(partition)

    def _become_follower(self, partition: Partition, follower: int) -> None:
        """Truncate ``follower`` to where its log diverges from the leader's, then fetch."""
        log = partition.logs[follower]
        leader_log = partition.leader_log
        end = leader_log.end_offset_for_epoch(log.last_epoch)
        log.truncate(min(end, leader_log.end_offset))
        partition.following.discard(follower)
        self._start_following(partition, follower)

    def _restarted(self, broker: Broker) -> None:
        if not broker.fenced:
            self._fence(broker)
        broker.up = True
        broker.fenced = False
        for topic in self.topics.values():
            for partition in topic.partitions:
                if broker.id not in partition.replicas:
                    continue
                if partition.leader < 0:
                    if broker.id in partition.isr or partition.config(
                        "unclean.leader.election.enable"
                    ):
                        self._elect(partition)
                    continue
                if partition.leader != broker.id:
                    self._become_follower(partition, broker.id)
        self.groups.broker_restarted(broker)

    def add_broker_partitions_check(self) -> None:
        """Re-run elections for offline partitions (after config changes, in tests)."""
        for topic in self.topics.values():
            for partition in topic.partitions:
                if partition.leader < 0:
                    self._elect(partition)


def _segments(log: PartitionLog, segment_bytes: int) -> list[tuple[int, int, float, int]]:
    """The log's segments: (index of the first batch, bytes, newest timestamp, next offset)."""
    out: list[tuple[int, int, float, int]] = []
    first, size, newest = 0, 0, -1.0
    batches = log.batches
    for index, batch in enumerate(batches):
        if index > first and size + batch.size > segment_bytes:
            out.append((first, size, newest, batch.base_offset))
            first, size, newest = index, 0, -1.0
        size += batch.size
        if batch.timestamps:
            newest = max(newest, max(batch.timestamps))
    if batches:
        out.append((first, size, newest, log.end_offset))
    return out


def _compact(
    log: PartitionLog,
    clean_point: int,
    latest: dict[bytes | None, int],
    now_ms: float,
    horizon: float,
) -> tuple[int, list[RecordBatch], list[Slice]]:
    """The log cleaner's rewrite of ``log``'s batches below ``clean_point``: how many
    batches it replaces, the batches that replace them, and the records removed."""
    count = 0
    kept: list[RecordBatch] = []
    removed: list[Slice] = []
    for batch in log.batches:
        if batch.base_offset >= clean_point:
            break
        count += 1
        if batch.control or batch.transactional:
            kept.append(batch)
            continue
        expired = 0 <= batch.delete_horizon <= now_ms
        base = batch.base_offset
        keep = []
        tombstones = False
        for i, (key, value) in enumerate(zip(batch.keys, batch.values, strict=True)):
            if latest.get(key, -1) != base + i or (value is None and expired):
                removed.append((batch, i, i + 1))
            else:
                keep.append(i)
                tombstones = tombstones or value is None
        if len(keep) == len(batch.values) and not (tombstones and batch.delete_horizon < 0):
            kept.append(batch)
            continue
        start = 0
        while start < len(keep):
            end = start
            while end + 1 < len(keep) and keep[end + 1] == keep[end] + 1:
                end += 1
            piece = batch.part(keep[start], keep[end] + 1)
            if tombstones and piece.delete_horizon < 0:
                piece.delete_horizon = horizon
            kept.append(piece)
            start = end + 1
    return count, kept, removed


def _deletable(
    log: PartitionLog, partition: Partition, segments: list[tuple[int, int, float, int]], i: int
) -> bool:
    """Kafka deletes a segment only when the high watermark is past all of it."""
    return partition.hw >= segments[i][3] and log.end_offset > log.start_offset


def _transport(broker: Broker) -> KafkaModelError:
    return KafkaModelError("_TRANSPORT", f"{broker.name}/{broker.id}: Disconnected")


__all__ = [
    "BROKER_DEFAULTS",
    "TOPIC_CONFIGS",
    "Broker",
    "BrokerInfo",
    "Call",
    "ClusterStatistics",
    "FetchResult",
    "KafkaCluster",
    "Metadata",
    "Partition",
    "PartitionInfo",
    "PartitionStatistics",
    "ProduceResult",
    "Topic",
    "TopicInfo",
]
