"""The consumer client model (librdkafka semantics, classic group protocol).

librdkafka: a consumer fetches in the background from each assigned partition's leader
(long polls of ``fetch.wait.max.ms``) into a local queue that ``poll()`` drains one record
at a time. A new partition starts at the group's committed offset, else where
``auto.offset.reset`` says (``earliest``, ``latest`` = the high watermark, or ``error``:
poll returns ``_AUTO_OFFSET_RESET``). ``position()`` is the offset after the last record
returned (``OFFSET_INVALID`` before any, and right after ``seek()``). With
``enable.auto.offset.store`` (default) returning a record stores its offset + 1; the
background auto-commit commits stored offsets every ``auto.commit.interval.ms`` (no poll
needed) and ``close()`` commits them too. Group membership runs in the background:
JoinGroup/SyncGroup, a heartbeat every ``heartbeat.interval.ms``; when the group
rebalances, the application's ``on_revoke``/``on_assign``/``on_lost`` run *inside
poll()*, and an eager member rejoins only after its revoke callback has run. A member that
does not call poll() for ``max.poll.interval.ms`` leaves the group, its next poll
returns ``_MAX_POLL_EXCEEDED`` (before any record prefetched for the lost partitions) and
its commits fail with ``UNKNOWN_MEMBER_ID`` until it rejoined. With
``isolation.level=read_committed`` (librdkafka's default) fetches stop at the last stable
offset and records of aborted transactions are skipped; transaction markers take offsets
but are never returned. Metadata is refreshed every
``topic.metadata.refresh.interval.ms``: a subscribed topic that grew makes the member
rejoin, so the group rebalances over the new partitions.

mqsim: one fetch request per partition (librdkafka batches partitions per broker); the
local queue holds batch slices, not records; the aborted-transaction list is read from the
partition rather than carried in the fetch response.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mqsim.kafka.client import ClientBase
from mqsim.kafka.errors import KafkaModelError
from mqsim.kafka.group import JoinResult, SyncResult

if TYPE_CHECKING:
    import simpy

    from mqsim.kafka.cluster import Broker, FetchResult, KafkaCluster
    from mqsim.kafka.config import ClientConfig
    from mqsim.kafka.log import RecordBatch

OFFSET_BEGINNING = -2
OFFSET_END = -1
OFFSET_STORED = -1000
OFFSET_INVALID = -1001
TP = tuple[str, int]

_EARLIEST = ("smallest", "earliest", "beginning")
_LATEST = ("largest", "latest", "end")


class PartitionState:
    """One assigned partition as the consumer tracks it."""

    __slots__ = (
        "assigned_offset",
        "buffered",
        "committed",
        "eof_at",
        "fetch_offset",
        "fetching",
        "hw",
        "lso",
        "lw",
        "partition",
        "paused",
        "position",
        "position_epoch",
        "ready",
        "stored",
        "topic",
        "tp",
        "version",
        "where",
    )

    def __init__(self, topic: str, partition: int) -> None:
        self.topic = topic
        self.partition = partition
        self.tp = (topic, partition)
        self.where = f"{topic}/{partition}"
        self.fetch_offset = OFFSET_INVALID
        self.position = OFFSET_INVALID
        # leader epoch of the last record returned (librdkafka: position()'s leader_epoch)
        self.position_epoch: int | None = None
        # the offset the partition was assigned with (what assignment() shows)
        self.assigned_offset = OFFSET_INVALID
        self.stored = OFFSET_INVALID
        self.committed = OFFSET_INVALID
        self.paused = False
        self.fetching = False
        self.ready = False
        self.version = 0
        self.buffered = 0
        self.hw = OFFSET_INVALID
        self.lw = OFFSET_INVALID
        self.lso = OFFSET_INVALID
        self.eof_at = -1

    def __repr__(self) -> str:
        return (
            f"<PartitionState {self.where} fetch={self.fetch_offset} position={self.position} "
            f"stored={self.stored} paused={self.paused}>"
        )


@dataclass(frozen=True, slots=True)
class Rebalance:
    """A rebalance event for the application: ``kind`` assign / revoke / lost."""

    kind: str
    partitions: list[TP]
    incremental: bool
    generation: int


@dataclass(frozen=True, slots=True)
class ConsumerStatistics:
    """What a consumer did."""

    name: str
    group: str
    member_id: str
    generation: int
    assignment: tuple[TP, ...]
    consumed: int
    commits: int
    rebalances: int
    buffered: int


class ConsumerClient(ClientBase):
    """A librdkafka consumer in the world (see the module doc)."""

    role = "consumer"

    def __init__(
        self, cluster: KafkaCluster, config: ClientConfig, *, name: str | None = None
    ) -> None:
        super().__init__(cluster, config, name=name)
        self.group_id: str = config["group.id"]
        self.instance_id: str | None = config.get("group.instance.id") or None
        self.strategies = [
            s.strip() for s in str(config["partition.assignment.strategy"]).split(",") if s.strip()
        ]
        self.cooperative = self.strategies == ["cooperative-sticky"]
        self.session_ms: int = config["session.timeout.ms"]
        self.heartbeat_interval = config["heartbeat.interval.ms"] / 1000
        self.max_poll_ms: int = config["max.poll.interval.ms"]
        self.auto_commit: bool = config["enable.auto.commit"]
        self.auto_commit_interval = config["auto.commit.interval.ms"] / 1000
        self.auto_store: bool = config["enable.auto.offset.store"]
        self.reset: str = config["auto.offset.reset"]
        self.read_committed = config["isolation.level"] == "read_committed"
        self.partition_eof: bool = config["enable.partition.eof"]
        self.fetch_wait = config["fetch.wait.max.ms"] / 1000
        self.fetch_bytes: int = config["max.partition.fetch.bytes"]
        self.queued_min: int = config["queued.min.messages"]
        self.fetch_backoff = config["fetch.error.backoff.ms"] / 1000
        self.metadata_interval = config["topic.metadata.refresh.interval.ms"] / 1000
        self.assignment: dict[TP, PartitionState] = {}
        # what the group assigned this member at the last SyncGroup (librdkafka's "group
        # assignment"; the application applies it in its rebalance callback, later)
        self.group_owned: set[TP] = set()
        self._rejoin_deferred = False
        self.subscription: list[str] = []
        self.member_id = ""
        self.generation = -1
        self.state = "init"
        self.coordinator: Broker | None = None
        self.ops: deque[list[Any]] = deque()
        self._event: simpy.Event | None = None
        self._in_rebalance: Rebalance | None = None
        self._rebalance_assigned = False
        self._after_rebalance: Callable[[], None] | None = None
        self.last_poll = self.world.now
        self._poll_timer_armed = False
        self._heartbeat_on = False
        self._last_heartbeat_ok = self.world.now
        self._auto_commit_on = False
        self._missing_reported: set[str] = set()
        self._known_counts: dict[str, int] = {}
        self._metadata_timer_on = False
        self.commit_results: deque[
            tuple[KafkaModelError | None, list[tuple[TP, int, KafkaModelError | None]]]
        ] = deque()
        self._consumed = 0
        self._commits = 0
        self._rebalances = 0
        self._join_seq = 0

    def statistics(self) -> ConsumerStatistics:
        """Group, member, generation, assignment and counters."""
        return ConsumerStatistics(
            self.name,
            self.group_id,
            self.member_id,
            self.generation,
            tuple(sorted(self.assignment)),
            self._consumed,
            self._commits,
            self._rebalances,
            sum(ps.buffered for ps in self.assignment.values()),
        )

    # -- events for blocking calls ----------

    def event(self) -> simpy.Event:
        """An event that fires when poll() may have something to return."""
        event = self._event
        if event is None or event.triggered:
            event = self._event = self.world.event()
        return event

    def _notify(self) -> None:
        event = self._event
        if event is not None and not event.triggered:
            event.succeed()

    def _queue(self, op: list[Any]) -> None:
        ops = self.ops
        if op[0] == "rebalance":
            # librdkafka pauses the assigned partitions when it enqueues a rebalance event
            # (their prefetched records are refetched afterwards): the next poll() serves
            # the event, before any prefetched record
            index = next((k for k, o in enumerate(ops) if o[0] in ("records", "eof")), len(ops))
            ops.insert(index, op)
        else:
            ops.append(op)
        self._notify()

    # -- subscription and group ----------

    def subscribe(self, topics: Sequence[str]) -> None:
        """Set the subscription (replacing the previous one) and join the group."""
        if not topics or any(not t for t in topics):
            raise KafkaModelError(
                "_INVALID_ARG",
                "Failed to set subscription: Local: Invalid argument or configuration",
            )
        changed = list(topics) != self.subscription
        self.subscription = list(topics)
        self._missing_reported.clear()
        self._start_background()
        if self.state == "init":
            self._find_coordinator(self._join)
        elif changed and self.state == "stable":
            self._rejoin()

    def unsubscribe(self) -> None:
        """Drop the subscription: revoke (in the next poll) and leave the group."""
        self.subscription = []
        self._drop_pending_rebalances()
        self.group_owned = set()
        # librdkafka: an eager member calls on_revoke even with an empty assignment
        if self.assignment or (not self.cooperative and self.state != "init"):
            self._queue(
                [
                    "rebalance",
                    Rebalance("revoke", sorted(self.assignment), self.cooperative, self.generation),
                    None,
                ]
            )
        self._leave()
        self.state = "init"

    def _start_background(self) -> None:
        if self.auto_commit and not self._auto_commit_on:
            self._auto_commit_on = True
            self.world.call_later(self.auto_commit_interval, self._auto_commit_tick)
        if not self._poll_timer_armed:
            self._poll_timer_armed = True
            self.world.call_later(self.max_poll_ms / 1000, self._check_poll_interval)
        if not self._metadata_timer_on and self.metadata_interval > 0:
            self._metadata_timer_on = True
            self.world.call_later(self.metadata_interval, self._metadata_tick)

    def _find_coordinator(self, then: Callable[[], None]) -> None:
        if not self.alive:
            return
        broker = self.bootstrap_broker()

        def found(result: Any) -> None:
            if isinstance(result, KafkaModelError):
                self.world.call_later(self.retry_backoff, self._find_coordinator, then)
                return
            self.coordinator = result
            then()

        self.send(
            broker,
            self.cluster.groups.handle_find_coordinator,
            (self.group_id,),
            found,
            lambda _p: self.world.call_later(self.retry_backoff, self._find_coordinator, then),
        )

    def _join(self) -> None:
        if not self.alive or not self.subscription or self.state in ("closed",):
            return
        self.state = "joining"
        self._join_seq += 1
        seq = self._join_seq
        topics = self._subscribed_topics()
        coordinator = self.coordinator
        if coordinator is None or not coordinator.up:
            self._find_coordinator(self._join)
            return
        owned = sorted(self.group_owned) if self.cooperative else []
        self.send(
            coordinator,
            self.cluster.groups.handle_join,
            (
                coordinator,
                self.group_id,
                self.member_id,
                self.name,
                self.client_id,
                self.instance_id,
                list(self.strategies),
                topics,
                owned,
                self.session_ms,
                self.max_poll_ms,
            ),
            lambda result: self._joined(result, seq),
            lambda _p: self._coordinator_lost(self._join),
            timeout=self.max_poll_ms / 1000 + 5.0,
        )

    def _subscribed_topics(self) -> list[str]:
        plain = [t for t in self.subscription if not t.startswith("^")]
        patterns = [re.compile(t) for t in self.subscription if t.startswith("^")]
        if patterns:
            for name in sorted(self.cluster.topics):
                if not name.startswith("__") and any(p.match(name) for p in patterns):
                    plain.append(name)
        self._check_missing(plain)
        return sorted(set(plain))

    def _check_missing(self, topics: list[str]) -> None:
        for topic in topics:
            known = topic in self.cluster.topics
            if not known and topic not in self._missing_reported:
                self._missing_reported.add(topic)
                self._queue(
                    [
                        "error",
                        KafkaModelError(
                            "UNKNOWN_TOPIC_OR_PART",
                            f"Subscribed topic not available: {topic}: "
                            "Broker: Unknown topic or partition",
                        ),
                        (topic, 0),  # librdkafka's event names the topic and partition 0
                    ]
                )
            elif known:
                self._missing_reported.discard(topic)
                self._known_counts[topic] = len(self.cluster.topics[topic].partitions)

    def _coordinator_lost(self, then: Callable[[], None]) -> None:
        self.coordinator = None
        self.world.call_later(self.retry_backoff, self._find_coordinator, then)

    def _joined(self, result: JoinResult, seq: int) -> None:
        if seq != self._join_seq or self.state != "joining":
            return
        problem = result.error
        if problem is not None:
            if problem.name in ("UNKNOWN_MEMBER_ID", "FENCED_INSTANCE_ID"):
                self.member_id = ""
                self.generation = -1
                if self.assignment:
                    self._lose_assignment()
                    return
            if problem.name == "NOT_COORDINATOR":
                self._coordinator_lost(self._join)
                return
            if problem.name in ("INVALID_SESSION_TIMEOUT", "INCONSISTENT_GROUP_PROTOCOL"):
                self._queue(["error", problem])
                self.state = "init"
                return
            self.world.call_later(self.retry_backoff, self._join)
            return
        self.member_id = result.member_id
        self.generation = result.generation
        self.state = "syncing"
        coordinator = self.coordinator
        if coordinator is None:
            self._coordinator_lost(self._join)
            return
        self.send(
            coordinator,
            self.cluster.groups.handle_sync,
            (coordinator, self.group_id, self.member_id, self.generation),
            lambda sync: self._synced(sync, seq),
            lambda _p: self._coordinator_lost(self._join),
        )

    def _synced(self, result: SyncResult, seq: int) -> None:
        if seq != self._join_seq or self.state != "syncing":
            return
        if result.error is not None:
            if result.error.name == "UNKNOWN_MEMBER_ID":
                self.member_id = ""
            self.world.call_later(self.retry_backoff, self._join)
            return
        self.state = "stable"
        self._rebalances += 1
        self._last_heartbeat_ok = self.world.now
        target = list(result.assignment)
        owned = self.group_owned
        self.group_owned = set(target)
        if self.cooperative:
            revoked = sorted(owned - set(target))
            added = sorted(set(target) - owned)
            if revoked:
                self._queue(
                    ["rebalance", Rebalance("revoke", revoked, True, self.generation), None]
                )
            after = self._rejoin_now if revoked else None
            self._queue(["rebalance", Rebalance("assign", added, True, self.generation), after])
        else:
            self._queue(
                ["rebalance", Rebalance("assign", sorted(target), False, self.generation), None]
            )
        self._start_heartbeats()

    def _start_heartbeats(self) -> None:
        if not self._heartbeat_on:
            self._heartbeat_on = True
            self.world.call_later(self.heartbeat_interval, self._heartbeat)

    def _heartbeat(self) -> None:
        if not self.alive or self.state not in ("stable",):
            self._heartbeat_on = False
            return
        self.world.call_later(self.heartbeat_interval, self._heartbeat)
        if self.world.now - self._last_heartbeat_ok > self.session_ms / 1000:
            # librdkafka: "Consumer group session timed out ... without a successful response"
            self.member_id = ""
            self._lose_assignment()
            return
        coordinator = self.coordinator
        if coordinator is None:
            self._find_coordinator(lambda: None)
            return
        generation = self.generation
        self.send(
            coordinator,
            self.cluster.groups.handle_heartbeat,
            (coordinator, self.group_id, self.member_id, generation),
            lambda result: self._heartbeat_reply(result, generation),
            lambda _p: self._coordinator_lost(lambda: None),
        )

    def _heartbeat_reply(self, result: KafkaModelError | None, generation: int) -> None:
        if self.state != "stable" or generation != self.generation:
            return
        if result is None:
            self._last_heartbeat_ok = self.world.now
            return
        name = result.name
        if name == "REBALANCE_IN_PROGRESS":
            self._last_heartbeat_ok = self.world.now
            self._rejoin()
        elif name in ("UNKNOWN_MEMBER_ID", "ILLEGAL_GENERATION", "FENCED_INSTANCE_ID"):
            if name == "UNKNOWN_MEMBER_ID":
                self.member_id = ""
            self._lose_assignment()
        elif name == "NOT_COORDINATOR":
            self._coordinator_lost(lambda: None)

    def _rebalance_pending(self) -> bool:
        return self._in_rebalance is not None or any(op[0] == "rebalance" for op in self.ops)

    def _drop_pending_rebalances(self) -> None:
        """Rebalance events the application has not served yet are outdated now."""
        kept = [op for op in self.ops if op[0] != "rebalance"]
        self.ops.clear()
        self.ops.extend(kept)
        self._rejoin_deferred = False

    def _rejoin(self) -> None:
        """The group is rebalancing: eager members revoke everything first.

        librdkafka does not rejoin while a rebalance callback waits to be served by poll():
        the rejoin happens once the application has handled it.
        """
        if self._rebalance_pending():
            self._rejoin_deferred = True
            return
        if self.cooperative or not self.assignment:
            self._rejoin_now()
            return
        self.state = "revoking"
        self._queue(
            [
                "rebalance",
                Rebalance("revoke", sorted(self.assignment), False, self.generation),
                self._rejoin_now,
            ]
        )

    def _rejoin_now(self) -> None:
        if self.subscription and self.alive and self.state != "closed":
            self.state = "rejoin"
            self._join()

    def _lose_assignment(self) -> None:
        self.state = "lost"
        self.generation = -1
        self.group_owned = set()
        self._drop_pending_rebalances()
        if self.assignment:
            self._queue(
                [
                    "rebalance",
                    Rebalance("lost", sorted(self.assignment), self.cooperative, -1),
                    self._rejoin_now,
                ]
            )
        else:
            self._rejoin_now()

    def _leave(self) -> None:
        coordinator = self.coordinator
        if self.member_id and coordinator is not None and self.instance_id is None:
            self.send(
                coordinator,
                self.cluster.groups.handle_leave,
                (coordinator, self.group_id, self.member_id),
                lambda _r: None,
            )
        if self.instance_id is None:
            self.member_id = ""
        self.generation = -1

    def _check_poll_interval(self) -> None:
        if not self.alive or self.state == "closed":
            self._poll_timer_armed = False
            return
        deadline = self.last_poll + self.max_poll_ms / 1000
        now = self.world.now
        if now < deadline - 1e-9:
            self.world.call_at(deadline, self._check_poll_interval)
            return
        self._poll_timer_armed = False
        if self.state in ("stable", "joining", "syncing", "revoking") and self.subscription:
            over = round((now - self.last_poll) * 1000) - self.max_poll_ms
            # librdkafka: the error and then the lost-callback come before any record
            # prefetched for the lost partitions (those are dropped with the assignment).
            self._drop_pending_rebalances()
            self.group_owned = set()
            if self.assignment:
                self.ops.appendleft(
                    [
                        "rebalance",
                        Rebalance("lost", sorted(self.assignment), self.cooperative, -1),
                        None,
                    ]
                )
            self.ops.appendleft(
                [
                    "error",
                    KafkaModelError(
                        "_MAX_POLL_EXCEEDED",
                        f"Application maximum poll interval ({self.max_poll_ms}ms) "
                        f"exceeded by {over}ms",
                    ),
                ]
            )
            self._notify()
            # librdkafka: leave (a static member sends no LeaveGroup, KIP-345) and forget
            # the member id; a static member rejoins with its group.instance.id and, if
            # the group did not move on, gets its old place back without a rebalance
            self._leave()
            self.member_id = ""
            self.state = "maxpoll"

    def _metadata_tick(self) -> None:
        """librdkafka refreshes metadata every ``topic.metadata.refresh.interval.ms``; a
        changed partition count of a subscribed topic makes the member rejoin."""
        if not self.alive or self.state == "closed":
            self._metadata_timer_on = False
            return
        self.world.call_later(self.metadata_interval, self._metadata_tick)
        if self.state != "stable" or not self.subscription:
            return
        patterns = any(t.startswith("^") for t in self.subscription)
        self.refresh_metadata(
            None if patterns else sorted(self.subscription),
            auto_create=False,
            then=self._compare_counts,
        )

    def _compare_counts(self) -> None:
        metadata = self.metadata
        if metadata is None or self.state != "stable" or not self.subscription:
            return
        before = dict(self._known_counts)
        topics = self._subscribed_topics()
        after = {}
        for topic in topics:
            info = metadata.topics.get(topic)
            if info is not None and info.error is None and info.partitions:
                after[topic] = len(info.partitions)
        self._known_counts = after
        if after != before:
            self._rejoin()

    # -- assignment (called by the application or by the default rebalance handling) --------

    def assign(
        self, partitions: Sequence[tuple[str, int, int]], *, incremental: bool = False
    ) -> None:
        """Set (or, incremental, extend) the assignment: ``(topic, partition, offset)``."""
        if self._in_rebalance is not None:
            self._rebalance_assigned = True
        if not incremental:
            for tp in list(self.assignment):
                self._drop_partition(tp)
        for topic, partition, offset in partitions:
            tp = (topic, partition)
            if incremental and tp in self.assignment:
                raise KafkaModelError(
                    "_CONFLICT", f"{topic} [{partition}] is already part of the current assignment"
                )
            ps = PartitionState(topic, partition)
            ps.assigned_offset = offset
            self.assignment[tp] = ps
            self._start_partition(ps, offset)
        if self._in_rebalance is None:
            self._trace_assignment("kafka.assign", [(t, p) for t, p, _o in partitions])

    def unassign(self, partitions: Sequence[TP] | None = None) -> None:
        """Drop the whole assignment, or (incremental) only ``partitions``."""
        if self._in_rebalance is not None:
            self._rebalance_assigned = True
        if partitions is None:
            gone = sorted(self.assignment)
        else:
            gone = list(partitions)
            for tp in gone:
                if tp not in self.assignment:
                    raise KafkaModelError(
                        "_INVALID_ARG",
                        f"{tp[0]} [{tp[1]}] can't be unassigned since it is not in the "
                        "current assignment",
                    )
        rebalance = self._in_rebalance
        if self.auto_commit and (rebalance is None or rebalance.kind != "lost"):
            # librdkafka (rd_kafka_assignment_serve_removals): with enable.auto.commit the
            # stored offsets of partitions given up in an orderly way are committed first
            offsets = {
                tp: ps.stored
                for tp in gone
                if (ps := self.assignment[tp]).stored >= 0 and ps.stored != ps.committed
            }
            if offsets and self.member_id and self.alive:
                self.commit(offsets, self._auto_committed)
        for tp in gone:
            self._drop_partition(tp)

    def _drop_partition(self, tp: TP) -> None:
        ps = self.assignment.pop(tp, None)
        if ps is not None:
            ps.version += 1

    def _trace_assignment(self, kind: str, partitions: list[TP]) -> None:
        trace = self.world.trace
        if trace.active:
            trace.emit(
                kind,
                self.name,
                None,
                group=self.group_id,
                partitions=[f"{t}/{p}" for t, p in partitions],
                generation=self.generation,
            )

    def _start_partition(self, ps: PartitionState, offset: int) -> None:
        if offset >= 0:
            ps.fetch_offset = offset
            ps.ready = True
            self._fetch(ps)
        elif offset in (OFFSET_BEGINNING, OFFSET_END):
            self._reset_offset(ps, OFFSET_BEGINNING if offset == OFFSET_BEGINNING else OFFSET_END)
        else:
            self._fetch_committed(ps)

    def _fetch_committed(self, ps: PartitionState) -> None:
        version = ps.version
        coordinator = self.coordinator or self.cluster.groups.coordinator_for(self.group_id)
        if coordinator is None:
            self.world.call_later(self.retry_backoff, self._fetch_committed, ps)
            return

        def got(result: Any) -> None:
            if ps.version != version or self.assignment.get(ps.tp) is not ps:
                return
            if isinstance(result, KafkaModelError):
                self.world.call_later(self.retry_backoff, self._fetch_committed, ps)
                return
            committed = result.get(ps.tp, OFFSET_INVALID)
            ps.committed = committed
            if committed >= 0:
                ps.fetch_offset = committed
                ps.ready = True
                self._fetch(ps)
            else:
                self._apply_reset(ps, "no previously committed offset available")

        self.send(
            coordinator,
            self.cluster.groups.handle_offset_fetch,
            (coordinator, self.group_id, [ps.tp]),
            got,
            lambda _p: self.world.call_later(self.retry_backoff, self._fetch_committed, ps),
        )

    def _apply_reset(self, ps: PartitionState, reason: str) -> None:
        if self.reset in _EARLIEST:
            self._reset_offset(ps, OFFSET_BEGINNING)
        elif self.reset in _LATEST:
            self._reset_offset(ps, OFFSET_END)
        else:
            ps.ready = False
            self._queue(
                [
                    "error",
                    KafkaModelError("_AUTO_OFFSET_RESET", f"{reason}: Local: No offset stored"),
                    ps.tp,
                ]
            )

    def _reset_offset(self, ps: PartitionState, which: int) -> None:
        version = ps.version
        leader = self._leader_of(ps)
        if leader is None:
            self.refresh_metadata(
                [ps.topic],
                auto_create=False,
                then=lambda: self.world.call_later(
                    0.0 if self._leader_of(ps) is not None else self.retry_backoff,
                    self._retry_reset,
                    ps,
                    which,
                    version,
                ),
            )
            return

        def got(result: Any) -> None:
            if ps.version != version or self.assignment.get(ps.tp) is not ps:
                return
            if isinstance(result, KafkaModelError):
                self.refresh_metadata([ps.topic], auto_create=False)
                self.world.call_later(self.retry_backoff, self._retry_reset, ps, which, version)
                return
            ps.fetch_offset = result
            ps.ready = True
            self._fetch(ps)

        self.send(
            leader,
            self.cluster.handle_list_offsets,
            (ps.topic, ps.partition, -2 if which == OFFSET_BEGINNING else -1, self.read_committed),
            got,
            lambda _p: self.world.call_later(
                self.retry_backoff, self._retry_reset, ps, which, version
            ),
        )

    def _retry_reset(self, ps: PartitionState, which: int, version: int) -> None:
        if ps.version == version and self.assignment.get(ps.tp) is ps and self.alive:
            self._reset_offset(ps, which)

    def _leader_of(self, ps: PartitionState) -> Broker | None:
        metadata = self.metadata
        info = None if metadata is None else metadata.topics.get(ps.topic)
        part = None if info is None else info.partitions.get(ps.partition)
        if part is None or part.leader < 0:
            return None
        broker = self.cluster.brokers.get(part.leader)
        if broker is None or not broker.up:
            return None
        return broker

    # -- fetching ----------

    def _fetch(self, ps: PartitionState) -> None:
        if (
            ps.fetching
            or ps.paused
            or not ps.ready
            or not self.alive
            or ps.buffered >= self.queued_min
            or self.assignment.get(ps.tp) is not ps
        ):
            return
        leader = self._leader_of(ps)
        if leader is None:
            ps.fetching = True

            def retry() -> None:
                ps.fetching = False
                if self._leader_of(ps) is None:
                    self.world.call_later(self.fetch_backoff, self._fetch, ps)
                else:
                    self._fetch(ps)

            self.refresh_metadata([ps.topic], auto_create=False, then=retry)
            return
        ps.fetching = True
        version = ps.version
        self.send(
            leader,
            self.cluster.handle_fetch,
            (
                leader,
                self.name,
                ps.topic,
                ps.partition,
                ps.fetch_offset,
                self.fetch_bytes,
                self.fetch_wait,
                self.read_committed,
            ),
            lambda result: self._fetched(ps, version, result),
            lambda _p: self._fetch_failed(ps, version),
            timeout=self.request_timeout + self.fetch_wait,
        )

    def _fetch_failed(self, ps: PartitionState, version: int) -> None:
        ps.fetching = False
        if ps.version != version:
            self._fetch(ps)
            return
        self.refresh_metadata([ps.topic], auto_create=False)
        self.world.call_later(self.fetch_backoff, self._fetch, ps)

    def _fetched(self, ps: PartitionState, version: int, result: FetchResult) -> None:
        ps.fetching = False
        if ps.version != version or self.assignment.get(ps.tp) is not ps:
            self._fetch(ps)
            return
        problem = result.error
        if problem is not None:
            if problem.name == "OFFSET_OUT_OF_RANGE":
                trace = self.world.trace
                if trace.active:
                    trace.emit(
                        "kafka.offset_reset",
                        self.name,
                        None,
                        group=self.group_id,
                        topic=ps.topic,
                        partition=ps.partition,
                        offset=ps.fetch_offset,
                        error=problem.name,
                        reset=self.reset,
                    )
                ps.ready = False
                ps.version += 1
                self._apply_reset(
                    ps, "fetch failed due to requested offset not available on the broker"
                )
                return
            self.refresh_metadata([ps.topic], auto_create=False)
            self.world.call_later(self.fetch_backoff, self._fetch, ps)
            return
        ps.hw = result.high_watermark
        ps.lso = result.last_stable_offset
        ps.lw = result.log_start_offset
        added = 0
        for batch, i, j in result.slices:
            if batch.control:
                continue
            if self.read_committed and batch.transactional and self._aborted(ps, batch):
                continue
            start = batch.base_offset + i
            if start < ps.fetch_offset:
                i += ps.fetch_offset - start
            if j <= i:
                continue
            self.ops.append(["records", ps, ps.version, batch, i, j])
            added += j - i
        if result.slices:
            ps.fetch_offset = result.slices[-1][0].base_offset + result.slices[-1][2]
        ps.buffered += added
        if added:
            self._notify()
        limit = ps.lso if self.read_committed else ps.hw
        if self.partition_eof and ps.fetch_offset >= limit and ps.eof_at != ps.fetch_offset:
            ps.eof_at = ps.fetch_offset
            leader = self._leader_of(ps)
            text = (
                f"Fetch from broker {leader.id if leader is not None else -1} reached end of "
                f"partition at offset {ps.fetch_offset} (HighwaterMark {ps.hw})"
            )
            self._queue(["eof", ps, ps.version, ps.fetch_offset, text])
        self._fetch(ps)

    def _aborted(self, ps: PartitionState, batch: RecordBatch) -> bool:
        partition = self.cluster.topics.get(ps.topic)
        if partition is None:
            return False
        part = partition.partitions[ps.partition]
        for pid, first, last in part.aborted:
            if pid == batch.producer_id and first <= batch.base_offset <= last:
                return True
        return False

    # -- the application's poll ----------

    def next_item(self) -> Any:
        """The next thing poll() returns, or None.

        Items: ``("record", PartitionState, batch, index)``, ``("error", KafkaModelError,
        tp|None)``, ``("eof", PartitionState, offset, text)``, ``("rebalance", Rebalance)``.
        """
        self.last_poll = self.world.now
        if self.state == "maxpoll" and self.subscription:
            self.state = "rejoin"
            self.world.call_later(0.0, self._join)
        if not self._poll_timer_armed and self.subscription:
            self._poll_timer_armed = True
            self.world.call_later(self.max_poll_ms / 1000, self._check_poll_interval)
        ops = self.ops
        while ops:
            op = ops[0]
            kind = op[0]
            if kind == "records":
                ps: PartitionState = op[1]
                if op[2] != ps.version or self.assignment.get(ps.tp) is not ps:
                    ops.popleft()
                    continue
                if ps.paused:
                    # a paused partition's buffered records stay for after resume
                    ops.rotate(-1)
                    if all(o[0] == "records" and o[1].paused for o in ops):
                        return None
                    continue
                batch, i, j = op[3], op[4], op[5]
                if i + 1 >= j:
                    ops.popleft()
                else:
                    op[4] = i + 1
                ps.buffered -= 1
                offset = batch.base_offset + i
                ps.position = offset + 1
                ps.position_epoch = batch.epoch
                if self.auto_store:
                    ps.stored = offset + 1
                self._consumed += 1
                trace = self.world.trace
                if trace.full and batch.ids is not None:
                    trace.emit(
                        "msg.consume",
                        self.name,
                        batch.ids[i],
                        where=ps.where,
                        offset=offset,
                        group=self.group_id,
                    )
                if ps.buffered < self.queued_min and not ps.fetching:
                    self._fetch(ps)
                return ("record", ps, batch, i)
            ops.popleft()
            if kind == "error":
                return ("error", op[1], op[2] if len(op) > 2 else None)
            if kind == "eof":
                ps = op[1]
                if op[2] != ps.version or self.assignment.get(ps.tp) is not ps:
                    continue
                return ("eof", ps, op[3], op[4])
            if kind == "rebalance":
                rebalance: Rebalance = op[1]
                if rebalance.kind == "assign":
                    self._trace_assignment_event("kafka.assign", rebalance)
                else:
                    self._trace_assignment_event(
                        "kafka.revoke" if rebalance.kind == "revoke" else "kafka.lost", rebalance
                    )
                self._in_rebalance = rebalance
                self._rebalance_assigned = False
                self._after_rebalance = op[2]
                return ("rebalance", rebalance)
        return None

    def take_records(self, limit: int) -> list[tuple[PartitionState, RecordBatch, int, int]]:
        """Up to ``limit`` records as slices, for ``consume(num_messages)`` (fast path).

        Stops at anything that is not a record (the caller then uses :meth:`next_item`).
        """
        self.last_poll = self.world.now
        out: list[tuple[PartitionState, RecordBatch, int, int]] = []
        ops = self.ops
        taken = 0
        trace = self.world.trace
        while ops and taken < limit:
            op = ops[0]
            if op[0] != "records":
                break
            ps: PartitionState = op[1]
            if op[2] != ps.version or self.assignment.get(ps.tp) is not ps:
                ops.popleft()
                continue
            if ps.paused:
                break
            batch, i, j = op[3], op[4], op[5]
            end = min(j, i + limit - taken)
            if end >= j:
                ops.popleft()
            else:
                op[4] = end
            count = end - i
            taken += count
            ps.buffered -= count
            last = batch.base_offset + end - 1
            ps.position = last + 1
            ps.position_epoch = batch.epoch
            if self.auto_store:
                ps.stored = last + 1
            self._consumed += count
            if trace.full and batch.ids is not None:
                for k in range(i, end):
                    trace.emit(
                        "msg.consume",
                        self.name,
                        batch.ids[k],
                        where=ps.where,
                        offset=batch.base_offset + k,
                        group=self.group_id,
                    )
            out.append((ps, batch, i, end))
            if ps.buffered < self.queued_min and not ps.fetching:
                self._fetch(ps)
        return out

    def _trace_assignment_event(self, kind: str, rebalance: Rebalance) -> None:
        trace = self.world.trace
        if trace.active:
            trace.emit(
                kind,
                self.name,
                None,
                group=self.group_id,
                partitions=[f"{t}/{p}" for t, p in rebalance.partitions],
                generation=rebalance.generation,
            )

    def finish_rebalance(self) -> None:
        """After the application's callback: assign/unassign as librdkafka does by default."""
        rebalance = self._in_rebalance
        if rebalance is None:
            return
        if not self._rebalance_assigned:
            # still "in the rebalance" here, so the assignment is not traced a second time
            if rebalance.kind == "assign":
                # librdkafka assigns a group's partitions at OFFSET_STORED (fetch from the
                # committed offset), which is what assignment() then shows
                partitions = [(t, p, OFFSET_STORED) for t, p in rebalance.partitions]
                if rebalance.incremental:
                    self.assign(partitions, incremental=True)
                else:
                    self._silent_assign(partitions)
            elif rebalance.incremental:
                self.unassign([tp for tp in rebalance.partitions if tp in self.assignment])
            else:
                self.unassign(None)
        self._in_rebalance = None
        self._rebalance_assigned = False
        then, self._after_rebalance = self._after_rebalance, None
        if then is not None:
            then()
        if self._rejoin_deferred and not self._rebalance_pending():
            self._rejoin_deferred = False
            if self.state == "stable":
                self._rejoin()

    def _silent_assign(self, partitions: list[tuple[str, int, int]]) -> None:
        for tp in list(self.assignment):
            self._drop_partition(tp)
        for topic, partition, offset in partitions:
            ps = PartitionState(topic, partition)
            ps.assigned_offset = offset
            self.assignment[(topic, partition)] = ps
            self._start_partition(ps, offset)

    # -- positions ----------

    def seek(self, topic: str, partition: int, offset: int) -> None:
        """Fetch ``topic``/``partition`` from ``offset`` next (drops what was prefetched)."""
        ps = self.assignment.get((topic, partition))
        if ps is None:
            raise KafkaModelError("_STATE", "Local: Erroneous state")
        ps.version += 1
        ps.buffered = 0
        ps.position = OFFSET_INVALID
        ps.position_epoch = None
        ps.eof_at = -1
        ps.ready = False
        ps.fetching = False
        self._start_partition(ps, offset)

    def pause(self, tps: Sequence[TP]) -> None:
        """Stop fetching (and returning) these partitions."""
        for tp in tps:
            ps = self.assignment.get(tp)
            if ps is not None:
                ps.paused = True

    def resume(self, tps: Sequence[TP]) -> None:
        """Fetch these partitions again."""
        for tp in tps:
            ps = self.assignment.get(tp)
            if ps is not None:
                ps.paused = False
                self._fetch(ps)
        self._notify()

    def store_offsets(self, offsets: Sequence[tuple[str, int, int]]) -> None:
        """Set the offsets the next commit will commit (``enable.auto.offset.store=false``)."""
        if self.auto_store:
            raise KafkaModelError("_INVALID_ARG", "Local: Invalid argument or configuration")
        for topic, partition, offset in offsets:
            ps = self.assignment.get((topic, partition))
            if ps is None:
                raise KafkaModelError("_STATE", "Local: Erroneous state")
            ps.stored = offset

    # -- commits ----------

    def stored_offsets(self) -> dict[TP, int]:
        """The stored offsets of the assignment that are not committed yet."""
        return {
            tp: ps.stored
            for tp, ps in sorted(self.assignment.items())
            if ps.stored >= 0 and ps.stored != ps.committed
        }

    def commit(
        self,
        offsets: dict[TP, int] | None,
        done: Callable[
            [KafkaModelError | None, list[tuple[TP, int, KafkaModelError | None]]], object
        ],
    ) -> None:
        """OffsetCommit: ``offsets`` (None: the stored offsets); ``done(error, results)``.

        librdkafka leaves logical offsets (OFFSET_END, OFFSET_STORED... all < 0) out of an
        explicit commit; when none is left the commit fails locally with _NO_OFFSET.
        """
        if offsets is not None:
            offsets = {tp: offset for tp, offset in offsets.items() if offset >= 0}
        else:
            offsets = self.stored_offsets()
        if not offsets:
            self.world.call_later(0.0, _call, done, KafkaModelError("_NO_OFFSET"), [])
            return
        self._commits += 1
        coordinator = self.coordinator or self.cluster.groups.coordinator_for(self.group_id)
        if coordinator is None or not coordinator.up:
            self.world.call_later(
                0.0,
                _call,
                done,
                KafkaModelError("_WAIT_COORD", "Local: Waiting for coordinator"),
                [],
            )
            return
        member = self.member_id if self.state not in ("init",) and self.subscription else ""
        generation = self.generation if member else -1
        payload = {tp: (offset, "", -1) for tp, offset in offsets.items()}

        def reply(result: Any) -> None:
            if isinstance(result, KafkaModelError):
                self._trace_commits(offsets, result)
                done(result, [(tp, o, result) for tp, o in offsets.items()])
                return
            results = []
            first_error = None
            for tp, offset in offsets.items():
                problem = result.get(tp)
                if problem is None:
                    ps = self.assignment.get(tp)
                    if ps is not None:
                        ps.committed = offset
                elif first_error is None:
                    first_error = problem
                results.append((tp, offset, problem))
                self._trace_commit(tp, offset, problem)
            done(first_error, results)

        def failed(problem: KafkaModelError) -> None:
            self._trace_commits(offsets, problem)
            done(problem, [(tp, o, problem) for tp, o in offsets.items()])

        self.send(
            coordinator,
            self.cluster.groups.handle_commit,
            (coordinator, self.group_id, member, generation, payload),
            reply,
            failed,
        )

    def _trace_commits(self, offsets: dict[TP, int], problem: KafkaModelError | None) -> None:
        for tp, offset in offsets.items():
            self._trace_commit(tp, offset, problem)

    def _trace_commit(self, tp: TP, offset: int, problem: KafkaModelError | None) -> None:
        trace = self.world.trace
        if trace.active:
            trace.emit(
                "kafka.commit",
                self.name,
                None,
                group=self.group_id,
                topic=tp[0],
                partition=tp[1],
                offset=offset,
                ok=problem is None,
                error=None if problem is None else problem.name,
            )

    def _auto_commit_tick(self) -> None:
        if not self.alive or self.state == "closed" or not self.auto_commit:
            self._auto_commit_on = False
            return
        self.world.call_later(self.auto_commit_interval, self._auto_commit_tick)
        if self.stored_offsets():
            self.commit(None, self._auto_committed)

    def _auto_committed(
        self, problem: KafkaModelError | None, results: list[tuple[TP, int, KafkaModelError | None]]
    ) -> None:
        if self.config.callbacks.get("on_commit") is not None and (
            problem is None or problem.name != "_NO_OFFSET"
        ):
            self.commit_results.append((problem, results))
            self._notify()

    def committed(self, tps: Sequence[TP], done: Callable[[Any], None]) -> None:
        """OffsetFetch for ``tps``; ``done(dict or KafkaModelError)``."""
        coordinator = self.coordinator or self.cluster.groups.coordinator_for(self.group_id)
        if coordinator is None:
            self.world.call_later(
                0.0, done, KafkaModelError("_WAIT_COORD", "Local: Waiting for coordinator")
            )
            return
        self.send(
            coordinator,
            self.cluster.groups.handle_offset_fetch,
            (coordinator, self.group_id, list(tps)),
            done,
            done,
        )

    def list_offsets(
        self, topic: str, partition: int, spec: int, done: Callable[[Any], None]
    ) -> None:
        """ListOffsets at the partition leader; ``done(offset or KafkaModelError)``."""
        ps = PartitionState(topic, partition)
        leader = self._leader_of(ps)
        if leader is None:

            def again() -> None:
                found = self._leader_of(ps)
                if found is None:
                    done(
                        KafkaModelError(
                            "_UNKNOWN_PARTITION" if self._known(topic) else "UNKNOWN_TOPIC_OR_PART"
                        )
                    )
                else:
                    self.send(
                        found,
                        self.cluster.handle_list_offsets,
                        (topic, partition, spec, self.read_committed),
                        done,
                        done,
                    )

            self.refresh_metadata([topic], auto_create=False, then=again)
            return
        self.send(
            leader,
            self.cluster.handle_list_offsets,
            (topic, partition, spec, self.read_committed),
            done,
            done,
        )

    def _known(self, topic: str) -> bool:
        metadata = self.metadata
        info = None if metadata is None else metadata.topics.get(topic)
        return info is not None and info.error is None

    # -- close and faults ----------

    def closing_revocation(self) -> Rebalance | None:
        """What close() revokes through the application's callback first."""
        # librdkafka: an eager member calls on_revoke even with an empty assignment
        if self.subscription and (self.assignment or not self.cooperative):
            rebalance = Rebalance(
                "revoke", sorted(self.assignment), self.cooperative, self.generation
            )
            self._trace_assignment_event("kafka.revoke", rebalance)
            self._in_rebalance = rebalance
            self._rebalance_assigned = False
            return rebalance
        return None

    def close(self) -> None:
        """Leave the group and stop (the facade has committed first if it should)."""
        self._leave()
        self.state = "closed"
        self.assignment.clear()
        self.group_owned = set()
        self.ops.clear()
        self.finish()

    def on_killed(self) -> None:
        """A killed consumer stops everything: no commit, no leave, no heartbeats."""
        self.state = "closed"


def _call(fn: Callable[..., object], *args: Any) -> None:
    fn(*args)


__all__ = [
    "OFFSET_BEGINNING",
    "OFFSET_END",
    "OFFSET_INVALID",
    "OFFSET_STORED",
    "ConsumerClient",
    "ConsumerStatistics",
    "PartitionState",
    "Rebalance",
]
