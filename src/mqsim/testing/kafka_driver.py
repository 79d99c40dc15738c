"""Operations on a simulated Kafka cluster and the invariants Kafka promises.

The driver builds a three-broker cluster (``min.insync.replicas=2``, no unclean leader
election, no topic auto-creation) in a fresh world and talks to it with mqsim's
librdkafka client models. Operations: create topics, add producers (``acks`` 0, 1 or all,
idempotence on or off) and produce keyed or unkeyed records, add consumers to groups
(eager ``range``, eager ``roundrobin`` or ``cooperative-sticky``) and poll, commit, seek,
close them; crash clients; crash and restart brokers; cut and heal network links; let
time pass.

Invariants (checked after every operation):

``offsets-dense``
    every replica's log holds consecutive offsets; the high watermark is within the
    leader's log and never moves back.
``consumer-order``
    a consumer sees each partition's records in offset order (within one assignment,
    between seeks), each one exactly what the log holds at that offset, below the high
    watermark.
``one-owner``
    no partition is owned by two members of the current generation of a group (also in
    the middle of cooperative rebalances).
``stable-coverage``
    in a settled group (stable at the coordinator, every member synced and done with its
    rebalance callbacks), each member owns what the coordinator assigned it and every
    subscribed partition has exactly one owner.
``committed-within-hw``
    no group's committed offset is past the partition's high watermark.
``acked-not-lost``
    a record acknowledged with ``acks=all`` was on at least ``min.insync.replicas``
    replicas when the acknowledgement was served, and stays in the log.
``idempotent-no-duplicates``
    an idempotent producer's record is in the log at most once.
``key-partition``
    all records with the same key are in the same partition of a topic.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from mqsim.kafka import KafkaCluster
from mqsim.kafka.config import parse_client_config
from mqsim.kafka.consumer import ConsumerClient, Rebalance
from mqsim.kafka.errors import KafkaModelError
from mqsim.kafka.log import PartitionLog, RecordBatch
from mqsim.kafka.producer import ProducerClient
from mqsim.sim import InvalidArgument, World
from mqsim.testing.driver import Driver, register

TP = tuple[str, int]

#: Group names and the assignment strategy their members use.
GROUPS: dict[str, str] = {
    "eager": "range",
    "rr": "roundrobin",
    "coop": "cooperative-sticky",
}
#: Broker settings of the driver's cluster (the rest are Kafka's defaults).
CLUSTER_CONFIG: dict[str, Any] = {
    "min.insync.replicas": 2,
    "unclean.leader.election.enable": False,
    "auto.create.topics.enable": False,
    "replica.lag.time.max.ms": 10000,
}
#: Consumer settings: a short session so group changes happen within a test's time.
CONSUMER_CONFIG: dict[str, Any] = {
    "enable.auto.commit": False,
    "auto.offset.reset": "earliest",
    "session.timeout.ms": 6000,
    "heartbeat.interval.ms": 1000,
    "max.poll.interval.ms": 20000,
}
SUBSCRIPTION = "^t.*"
#: How often a consumer's poll loop runs while time passes.
POLL_EVERY = 0.25


@dataclass(slots=True)
class _Producer:
    client: ProducerClient
    acks: int
    idempotent: bool
    produced: int = 0


@dataclass(slots=True)
class _Consumer:
    client: ConsumerClient
    group: str
    commits: bool = False
    stalled: bool = False
    expect: dict[TP, int] = field(default_factory=dict)
    consumed: int = 0

    @property
    def live(self) -> bool:
        return self.client.alive and not self.client.closed


@dataclass(frozen=True, slots=True)
class _Acked:
    value: bytes
    topic: str
    partition: int
    offset: int


@register
class KafkaDriver(Driver):
    """A Kafka cluster under test; see the module doc for operations and invariants.

    Options: ``brokers`` (3), ``trace`` (``"full"`` or ``"counters"``), ``latency``
    (seconds per network hop, 0.001).
    """

    machine = "kafka"
    INVARIANTS = (
        "offsets-dense",
        "consumer-order",
        "one-owner",
        "stable-coverage",
        "committed-within-hw",
        "acked-not-lost",
        "idempotent-no-duplicates",
        "key-partition",
    )

    def __init__(
        self, seed: int = 0, *, brokers: int = 3, trace: str = "full", latency: float = 0.001
    ) -> None:
        super().__init__(seed, brokers=brokers, trace=trace, latency=latency)
        self.world = World(seed, trace=trace, latency=latency)
        self.cluster = KafkaCluster(self.world, brokers=brokers, config=CLUSTER_CONFIG)
        self.min_isr: int = self.cluster.config["min.insync.replicas"]
        self.producers: dict[str, _Producer] = {}
        self.consumers: dict[str, _Consumer] = {}
        self.acked: list[_Acked] = []
        self.idempotent_values: set[bytes] = set()
        self.hw_seen: dict[TP, int] = {}

    @property
    def broker_names(self) -> list[str]:
        """The brokers' node names."""
        return [b.name for b in self.cluster.brokers.values()]

    # -- operations ---------------------------------------------------------------------

    def op_create_topic(self, name: str, partitions: int, rf: int) -> bool:
        """CreateTopics; False if the broker refused (exists, RF above the broker count)."""
        try:
            self.cluster.create_topic(name, partitions, rf)
        except KafkaModelError:
            return False
        return True

    def op_add_producer(self, acks: int = -1, idempotent: bool = False) -> str:
        """A producer with ``acks`` (-1 = all) and idempotence; returns its name."""
        name = f"p{len(self.producers) + 1}"
        conf: dict[str, Any] = {"client.id": name, "enable.idempotence": idempotent}
        if not idempotent:
            conf["acks"] = acks
        config = parse_client_config(conf, role="producer")
        client = ProducerClient(self.cluster, config, name=name)
        client.default_callback = name
        self.producers[name] = _Producer(client, config["acks"], idempotent)
        return name

    def op_produce(self, producer: str, topic: str, key: str | None = None, count: int = 1) -> int:
        """Enqueue ``count`` records (values ``<producer>-<n>``); how many were accepted."""
        entry = self._producer(producer)
        if entry is None or not entry.client.alive:
            return 0
        accepted = 0
        for _ in range(count):
            entry.produced += 1
            value = f"{producer}-{entry.produced}".encode()
            try:
                entry.client.produce(topic, value, None if key is None else key.encode())
            except KafkaModelError:
                continue
            accepted += 1
            if entry.idempotent:
                self.idempotent_values.add(value)
        self._serve_reports()
        return accepted

    def op_flush(self, producer: str) -> None:
        """Send every lingering batch of ``producer`` now (what ``flush()`` starts with)."""
        entry = self._producer(producer)
        if entry is not None and entry.client.alive:
            entry.client.seal_all()
        self._serve_reports()

    def op_add_consumer(self, group: str, commits: bool = False) -> str:
        """A consumer in ``group`` (a key of :data:`GROUPS`) subscribed to ``^t.*``.

        Like an application's poll loop, it polls whenever time passes (see
        :meth:`op_advance`) unless stalled; with ``commits`` it commits what it consumed
        after each poll."""
        if group not in GROUPS:
            raise InvalidArgument(f"group: expected one of {', '.join(GROUPS)}, got {group!r}")
        name = f"c{len(self.consumers) + 1}"
        conf = dict(CONSUMER_CONFIG)
        conf.update(
            {"client.id": name, "group.id": group, "partition.assignment.strategy": GROUPS[group]}
        )
        client = ConsumerClient(self.cluster, parse_client_config(conf, role="consumer"), name=name)
        client.subscribe([SUBSCRIPTION])
        self.consumers[name] = _Consumer(client, group, commits)
        return name

    def op_stall(self, consumer: str, stalled: bool = True) -> None:
        """Stop (or resume) a consumer's poll loop, as a slow or stuck application does."""
        entry = self._consumer(consumer)
        if entry is not None:
            entry.stalled = stalled

    def op_consume(
        self, consumer: str, max_records: int = 10, batch: bool = False, timeout: float = 0.0
    ) -> int:
        """Poll up to ``max_records`` items, as ``poll(timeout)`` (or, with ``batch``,
        ``consume(n, timeout)``) would: time passes until something arrives or ``timeout``
        ends. Rebalances are handled as librdkafka does without callbacks."""
        entry = self._consumer(consumer)
        if entry is None or not entry.live:
            return 0
        client = entry.client
        world = self.world
        deadline = world.now + timeout
        got = self._drain(entry, max_records, batch)
        while not got and world.now < deadline and entry.live:
            world.block(client.event(), deadline - world.now)
            self._serve_reports()
            got = self._drain(entry, max_records, batch)
        return got

    def _drain(self, entry: _Consumer, max_records: int, batch: bool) -> int:
        client = entry.client
        got = 0
        polls = 0
        while polls < max_records:
            polls += 1
            if batch:
                taken = client.take_records(max_records - got)
                for ps, records, start, end in taken:
                    for index in range(start, end):
                        self._saw(entry, ps.tp, records, index)
                        got += 1
                if taken:
                    continue
            item = client.next_item()
            if item is None:
                break
            kind = item[0]
            if kind == "record":
                ps = item[1]
                self._saw(entry, ps.tp, item[2], item[3])
                got += 1
            elif kind == "rebalance":
                self._rebalanced(entry, item[1])
                client.finish_rebalance()
        return got

    def op_commit(self, consumer: str) -> bool:
        """Commit the consumer's stored offsets (asynchronously); False if none."""
        entry = self._consumer(consumer)
        if entry is None or not entry.live or not entry.client.stored_offsets():
            return False
        entry.client.commit(None, lambda _problem, _results: None)
        return True

    def op_seek(self, consumer: str, index: int = 0, to: str = "beginning") -> bool:
        """Seek the ``index``-th assigned partition (mod the assignment) to ``beginning``,
        ``end``, ``middle`` (half the high watermark) or ``committed``."""
        entry = self._consumer(consumer)
        if entry is None or not entry.live or not entry.client.assignment:
            return False
        client = entry.client
        tps = sorted(client.assignment)
        tp = tps[index % len(tps)]
        partition = self.cluster.partition(*tp)
        if to == "beginning":
            offset = -2
        elif to == "end":
            offset = -1
        elif to == "middle":
            offset = partition.hw // 2
        elif to == "committed":
            offset = -1000
        else:
            raise InvalidArgument(f"to: expected beginning, end, middle or committed, got {to!r}")
        client.seek(tp[0], tp[1], offset)
        entry.expect.pop(tp, None)
        return True

    def op_close_consumer(self, consumer: str) -> None:
        """``close()``: revoke, leave the group, stop."""
        entry = self._consumer(consumer)
        if entry is None or not entry.live:
            return
        client = entry.client
        rebalance = client.closing_revocation()
        if rebalance is not None:
            client.finish_rebalance()
        client.close()

    def op_crash_client(self, client: str) -> None:
        """Kill a producer's or consumer's process."""
        if client not in self.producers and client not in self.consumers:
            return
        if self.world.is_up(client) and self.world.has_node(client):
            self.world.crash(client)

    def op_crash_broker(self, broker: int) -> None:
        """Crash broker ``broker`` (1-based id)."""
        self.world.crash(self._broker_name(broker))

    def op_restart_broker(self, broker: int) -> None:
        """Restart broker ``broker`` if it is down."""
        name = self._broker_name(broker)
        if not self.world.is_up(name):
            self.world.restart(name)

    def op_cut(self, a: str, b: str) -> None:
        """Cut the network between nodes ``a`` and ``b`` (both directions)."""
        if a != b and self.world.has_node(a) and self.world.has_node(b):
            self.world.partition(a, b)

    def op_heal(self) -> None:
        """Heal every cut link."""
        self.world.heal()

    def op_advance(self, seconds: float) -> None:
        """Let ``seconds`` of simulated time pass; every consumer that is not stalled
        polls (and commits, if it does) every :data:`POLL_EVERY` seconds."""
        world = self.world
        end = world.now + seconds
        while world.now < end:
            polling = any(e.live and not e.stalled for e in self.consumers.values())
            world.run(min(end, world.now + POLL_EVERY) if polling else end)
            self._serve_reports()
            for name, entry in self.consumers.items():
                if entry.live and not entry.stalled:
                    self._drain(entry, 1000, False)
                    if entry.commits and entry.live and entry.client.stored_offsets():
                        self.op_commit(name)

    # -- bookkeeping --------------------------------------------------------------------

    def _producer(self, name: str) -> _Producer | None:
        return self.producers.get(name)

    def _consumer(self, name: str) -> _Consumer | None:
        return self.consumers.get(name)

    def _broker_name(self, broker: int) -> str:
        found = self.cluster.brokers.get(broker)
        if found is None:
            raise InvalidArgument(f"broker: no broker with id {broker!r}")
        return found.name

    def _serve_reports(self) -> None:
        for entry in self.producers.values():
            if entry.client.alive:
                entry.client.serve_reports(self._report)

    def _report(
        self,
        callback: Any,
        problem: KafkaModelError | None,
        records: RecordBatch,
        index: int,
        offset: int,
        topic: str,
        partition: int,
    ) -> None:
        entry = self.producers[callback]
        if problem is not None or entry.acks != -1:
            return
        value = records.values[index]
        assert value is not None
        part = self.cluster.partition(topic, partition)
        if offset < 0:
            offsets = [
                o for o, _k, v in _records(part.leader_log) if v == value
            ]  # acknowledged as a duplicate of a stored batch
            if not offsets:
                self.fail(
                    "acked-not-lost",
                    f"{value.decode()} acknowledged (acks=all) to {topic}/{partition} "
                    "as a duplicate but it is not in the log",
                )
            offset = offsets[0]
        holders = [b for b, log in sorted(part.logs.items()) if _value_at(log, offset) == value]
        if len(holders) < self.min_isr:
            self.fail(
                "acked-not-lost",
                f"{value.decode()} acknowledged (acks=all, min.insync.replicas="
                f"{self.min_isr}) at {topic}/{partition} offset {offset} while only "
                f"broker(s) {holders} hold it (ISR {part.isr})",
            )
        self.acked.append(_Acked(value, topic, partition, offset))

    def _rebalanced(self, entry: _Consumer, rebalance: Rebalance) -> None:
        for tp in rebalance.partitions:
            entry.expect.pop(tp, None)
        if rebalance.kind != "assign" and not rebalance.incremental:
            entry.expect.clear()

    def _saw(self, entry: _Consumer, tp: TP, records: RecordBatch, index: int) -> None:
        offset = records.base_offset + index
        value = records.values[index]
        name = entry.client.name
        where = f"{tp[0]}/{tp[1]}"
        expected = entry.expect.get(tp)
        if expected is not None and offset < expected:
            self.fail(
                "consumer-order",
                f"{name} received {where} offset {offset} after offset {expected - 1}",
            )
        partition = self.cluster.partition(*tp)
        if offset >= partition.hw:
            self.fail(
                "consumer-order",
                f"{name} received {where} offset {offset} at or above the high watermark "
                f"{partition.hw}",
            )
        stored = _value_at(partition.leader_log, offset)
        if stored is not _MISSING and stored != value:
            self.fail(
                "consumer-order",
                f"{name} received {where} offset {offset} = {value!r} but the log holds "
                f"{stored!r} there",
            )
        entry.expect[tp] = offset + 1
        entry.consumed += 1

    def _groups_members(self, group: str) -> Iterator[_Consumer]:
        for entry in self.consumers.values():
            if entry.group == group and entry.live:
                yield entry

    # -- invariants ---------------------------------------------------------------------

    def inv_offsets_dense(self) -> None:
        """Consecutive offsets in every replica; HW within the leader's log, never back."""
        for topic in self.cluster.topics.values():
            for partition in topic.partitions:
                for broker, log in sorted(partition.logs.items()):
                    problem = _log_problem(log)
                    if problem is not None:
                        self.fail(
                            "offsets-dense",
                            f"{partition.where} on broker {broker}: {problem}",
                        )
                tp = (topic.name, partition.index)
                if partition.leader >= 0 and partition.hw > partition.leader_log.end_offset:
                    self.fail(
                        "offsets-dense",
                        f"{partition.where}: high watermark {partition.hw} is past the leader's "
                        f"log end {partition.leader_log.end_offset}",
                    )
                before = self.hw_seen.get(tp, 0)
                if partition.hw < before:
                    self.fail(
                        "offsets-dense",
                        f"{partition.where}: high watermark moved back from {before} to "
                        f"{partition.hw}",
                    )
                self.hw_seen[tp] = partition.hw

    def inv_consumer_order(self) -> None:
        """Checked as records are received (see :meth:`op_consume`)."""

    def inv_one_owner(self) -> None:
        """No partition owned by two members of a group's current generation."""
        for group_id, group in sorted(self.cluster.groups.groups.items()):
            owners: dict[TP, str] = {}
            for entry in self._groups_members(group_id):
                client = entry.client
                if client.member_id not in group.members or client.generation != group.generation:
                    continue
                for tp in sorted(client.assignment):
                    other = owners.get(tp)
                    if other is not None:
                        self.fail(
                            "one-owner",
                            f"group {group_id} generation {group.generation}: {tp[0]}/{tp[1]} "
                            f"is owned by both {other} and {client.name}",
                        )
                    owners[tp] = client.name

    def inv_stable_coverage(self) -> None:
        """In a settled group each subscribed partition has exactly one owner."""
        for group_id, group in sorted(self.cluster.groups.groups.items()):
            if group.state != "Stable" or not group.members:
                continue
            clients = {e.client.member_id: e.client for e in self._groups_members(group_id)}
            settled = True
            for member in group.members.values():
                client = clients.get(member.member_id)
                if (
                    client is None
                    or client.generation != group.generation
                    or client.state != "stable"
                    or any(op[0] == "rebalance" for op in client.ops)
                ):
                    settled = False
                    break
            if not settled:
                continue
            owned: Counter[TP] = Counter()
            wanted: set[TP] = set()
            for member in group.members.values():
                client = clients[member.member_id]
                if set(client.assignment) != set(member.assignment):
                    self.fail(
                        "stable-coverage",
                        f"group {group_id} generation {group.generation}: {client.name} owns "
                        f"{_tps(client.assignment)} but the coordinator assigned it "
                        f"{_tps(member.assignment)}",
                    )
                owned.update(list(client.assignment))
                for name in member.topics:
                    topic = self.cluster.topics.get(name)
                    if topic is not None:
                        wanted.update((name, p.index) for p in topic.partitions)
            twice = sorted(tp for tp, n in owned.items() if n > 1)
            missing = sorted(wanted - set(owned))
            if twice or missing:
                self.fail(
                    "stable-coverage",
                    f"group {group_id} is stable at generation {group.generation} but "
                    f"{_tps(twice)} have several owners and {_tps(missing)} none",
                )

    def inv_committed_within_hw(self) -> None:
        """No committed offset past the high watermark."""
        for group_id, group in sorted(self.cluster.groups.groups.items()):
            for (topic, index), (offset, _meta, _epoch) in sorted(group.offsets.items()):
                found = self.cluster.topics.get(topic)
                if found is None or index >= len(found.partitions):
                    continue
                hw = found.partitions[index].hw
                if offset > hw:
                    self.fail(
                        "committed-within-hw",
                        f"group {group_id} committed {topic}/{index} at {offset}, past the "
                        f"high watermark {hw}",
                    )

    def inv_acked_not_lost(self) -> None:
        """Every acks=all acknowledged record is still where it was acknowledged."""
        for acked in self.acked:
            partition = self.cluster.partition(acked.topic, acked.partition)
            if partition.leader >= 0:
                logs = [partition.logs[partition.leader]]
            else:
                logs = [partition.logs[b] for b in partition.isr]
            if any(log.start_offset > acked.offset for log in logs):
                continue
            if not any(_value_at(log, acked.offset) == acked.value for log in logs):
                where = f"leader {partition.leader}" if partition.leader >= 0 else "no ISR replica"
                self.fail(
                    "acked-not-lost",
                    f"{acked.value.decode()} was acknowledged (acks=all) at "
                    f"{acked.topic}/{acked.partition} offset {acked.offset}, but {where} "
                    "holds it there",
                )

    def inv_idempotent_no_duplicates(self) -> None:
        """An idempotent producer's record is stored at most once."""
        if not self.idempotent_values:
            return
        for topic in self.cluster.topics.values():
            for partition in topic.partitions:
                counts = Counter(
                    v for _o, _k, v in _records(partition.leader_log) if v in self.idempotent_values
                )
                for value, count in sorted(counts.items()):
                    if count > 1:
                        assert value is not None
                        self.fail(
                            "idempotent-no-duplicates",
                            f"{value.decode()} from an idempotent producer is in "
                            f"{partition.where} {count} times",
                        )

    def inv_key_partition(self) -> None:
        """Records with one key sit in one partition of a topic."""
        for name, topic in sorted(self.cluster.topics.items()):
            homes: dict[bytes, int] = {}
            for partition in topic.partitions:
                for _o, key, _v in _records(partition.leader_log):
                    if key is None:
                        continue
                    home = homes.setdefault(key, partition.index)
                    if home != partition.index:
                        self.fail(
                            "key-partition",
                            f"key {key.decode()!r} of topic {name} is in partitions {home} and "
                            f"{partition.index}",
                        )


_MISSING: Any = object()


def _records(log: PartitionLog) -> Iterator[tuple[int, bytes | None, bytes | None]]:
    for batch in log.batches:
        if batch.control:
            continue
        base = batch.base_offset
        for i, value in enumerate(batch.values):
            yield base + i, batch.keys[i], value


def _value_at(log: PartitionLog, offset: int) -> Any:
    found = log.record(offset)
    if found is None:
        return _MISSING
    batch, index = found
    return batch.values[index]


def _log_problem(log: PartitionLog) -> str | None:
    batches = log.batches
    if log.end_offset < log.start_offset:
        return f"log end {log.end_offset} is before the log start {log.start_offset}"
    if not batches:
        return None
    if batches[0].base_offset < log.start_offset:
        return f"first batch at {batches[0].base_offset} is before the log start"
    for before, after in pairwise(batches):
        if after.base_offset != before.next_offset:
            return (
                f"batch at offset {after.base_offset} follows a batch ending at "
                f"{before.next_offset - 1}"
            )
    if batches[-1].next_offset != log.end_offset:
        return f"log end {log.end_offset} but the last batch ends at {batches[-1].last_offset}"
    return None


def _tps(tps: Any) -> str:
    return "[" + ", ".join(f"{t}/{p}" for t, p in sorted(tps)) + "]"


__all__ = ["CLUSTER_CONFIG", "CONSUMER_CONFIG", "GROUPS", "KafkaDriver"]
