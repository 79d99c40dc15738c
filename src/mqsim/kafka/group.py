"""The group coordinator: consumer groups (classic protocol) and committed offsets.

Kafka: each group has a coordinator broker. Members send JoinGroup; the coordinator
waits until every known member has rejoined (at most the rebalance timeout, which
librdkafka sets to ``max.poll.interval.ms``; a new group waits
``group.initial.rebalance.delay.ms`` for more members), bumps the generation, picks the
protocol (assignment strategy) all members support, and names a leader. The leader
computes the assignment and hands it back in SyncGroup. Members heartbeat every
``heartbeat.interval.ms``; one that is silent for ``session.timeout.ms`` is removed and the
group rebalances. Heartbeats answer ``REBALANCE_IN_PROGRESS`` while a rebalance waits for
rejoins and ``ILLEGAL_GENERATION``/``UNKNOWN_MEMBER_ID`` to a fenced member. OffsetCommit
is accepted from members of the current generation (or, for a group with no members,
from anyone: "simple" consumers using ``assign()``).

mqsim: the coordinator computes the assignment itself with the chosen strategy (the
result is what the leader would compute, from :mod:`mqsim.kafka.assignors`), so SyncGroup
is one round trip that returns it. JoinGroup does not do the MEMBER_ID_REQUIRED round
trip. Member ids are ``<client.id>-<uuid>`` with the uuid drawn from the world's RNG.
The coordinator is a live broker chosen by a hash of the group id; group state and
offsets survive broker crashes (Kafka replicates them in ``__consumer_offsets``).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mqsim.kafka import assignors
from mqsim.kafka.errors import KafkaModelError

if TYPE_CHECKING:
    from mqsim.kafka.cluster import Broker, KafkaCluster, Responder
    from mqsim.sim import Timer

TP = tuple[str, int]


@dataclass(frozen=True, slots=True)
class JoinResult:
    """A JoinGroup response."""

    member_id: str
    generation: int
    protocol: str
    leader: str
    error: KafkaModelError | None = None


@dataclass(frozen=True, slots=True)
class SyncResult:
    """A SyncGroup response: this member's assignment."""

    assignment: list[TP]
    error: KafkaModelError | None = None


@dataclass(frozen=True, slots=True)
class GroupDescription:
    """DescribeGroups: state, protocol and members with their assignments."""

    group_id: str
    state: str
    protocol_type: str
    protocol: str
    generation: int
    coordinator: int
    members: tuple[tuple[str, str, str | None, str, tuple[TP, ...]], ...]


@dataclass(frozen=True, slots=True)
class GroupStatistics:
    """A group's state, generation, members and rebalance count."""

    group_id: str
    state: str
    generation: int
    members: int
    rebalances: int
    committed: int


@dataclass(slots=True)
class GroupMember:
    """A member as the coordinator knows it."""

    member_id: str
    client: str
    client_id: str
    instance_id: str | None
    strategies: list[str]
    topics: list[str]
    owned: list[TP]
    session: float
    rebalance: float
    last_seen: float
    join_respond: Responder | None = None
    timer: Timer | None = None
    assignment: list[TP] = field(default_factory=list)


class Group:
    """One consumer group."""

    def __init__(self, group_id: str) -> None:
        self.group_id = group_id
        self.state = "Empty"
        self.generation = 0
        self.protocol = ""
        self.leader = ""
        self.members: dict[str, GroupMember] = {}
        self.static: dict[str, str] = {}
        self.offsets: dict[TP, tuple[int, str, int]] = {}
        self.join_timer: Timer | None = None
        self.rebalances = 0
        self.initial = True

    def __repr__(self) -> str:
        return (
            f"<Group {self.group_id!r} {self.state} generation={self.generation} "
            f"members={len(self.members)}>"
        )

    def statistics(self) -> GroupStatistics:
        """State, generation, member count, rebalances and committed partitions."""
        return GroupStatistics(
            self.group_id,
            self.state,
            self.generation,
            len(self.members),
            self.rebalances,
            len(self.offsets),
        )


class GroupCoordinator:
    """All groups of a cluster and the requests that act on them."""

    def __init__(self, cluster: KafkaCluster) -> None:
        self.cluster = cluster
        self.world = cluster.world
        self.groups: dict[str, Group] = {}

    def __repr__(self) -> str:
        return f"<GroupCoordinator groups={len(self.groups)}>"

    def group(self, group_id: str) -> Group:
        """The group ``group_id`` (created empty on first use, as Kafka does)."""
        found = self.groups.get(group_id)
        if found is None:
            found = self.groups[group_id] = Group(group_id)
        return found

    def coordinator_for(self, group_id: str) -> Broker | None:
        """The live broker coordinating ``group_id`` (None if every broker is down)."""
        ids = sorted(self.cluster.brokers)
        start = zlib.crc32(group_id.encode()) % len(ids)
        for k in range(len(ids)):
            broker = self.cluster.brokers[ids[(start + k) % len(ids)]]
            if broker.up and not broker.fenced:
                return broker
        return None

    def handle_find_coordinator(self, respond: Responder, group_id: str) -> None:
        """FindCoordinator handler: the broker, or ``COORDINATOR_NOT_AVAILABLE``."""
        broker = self.coordinator_for(group_id)
        respond(broker if broker is not None else KafkaModelError("COORDINATOR_NOT_AVAILABLE"))

    def _is_coordinator(self, broker: Broker, group_id: str) -> bool:
        return self.coordinator_for(group_id) is broker

    # -- membership ----------

    def handle_join(
        self,
        respond: Responder,
        broker: Broker,
        group_id: str,
        member_id: str,
        client: str,
        client_id: str,
        instance_id: str | None,
        strategies: list[str],
        topics: list[str],
        owned: list[TP],
        session_ms: int,
        rebalance_ms: int,
    ) -> None:
        """JoinGroup handler: the response waits until the join phase completes."""
        if not self._is_coordinator(broker, group_id):
            respond(JoinResult("", -1, "", "", KafkaModelError("NOT_COORDINATOR")))
            return
        config = self.cluster.config
        if (
            not config["group.min.session.timeout.ms"]
            <= session_ms
            <= config["group.max.session.timeout.ms"]
        ):
            respond(JoinResult("", -1, "", "", KafkaModelError("INVALID_SESSION_TIMEOUT")))
            return
        group = self.group(group_id)
        others = [m.strategies for m in group.members.values() if m.member_id != member_id]
        if others and not assignors.common_strategies([*others, strategies]):
            respond(JoinResult("", -1, "", "", KafkaModelError("INCONSISTENT_GROUP_PROTOCOL")))
            return
        now = self.world.now
        if member_id and member_id not in group.members:
            respond(JoinResult(member_id, -1, "", "", KafkaModelError("UNKNOWN_MEMBER_ID")))
            return
        static_rejoin = False
        if not member_id:
            member_id = f"{client_id}-{self._uuid()}"
            if instance_id is not None and instance_id in group.static:
                old_id = group.static[instance_id]
                old = group.members.pop(old_id, None)
                if old is not None:
                    if old.timer is not None:
                        old.timer.cancel()
                    if old.join_respond is not None:
                        old.join_respond(
                            JoinResult(old_id, -1, "", "", KafkaModelError("FENCED_INSTANCE_ID"))
                        )
                    static_rejoin = group.state == "Stable" and sorted(old.topics) == sorted(topics)
                    member = GroupMember(
                        member_id,
                        client,
                        client_id,
                        instance_id,
                        strategies,
                        topics,
                        owned,
                        session_ms / 1000,
                        rebalance_ms / 1000,
                        now,
                        assignment=old.assignment,
                    )
                    if group.leader == old_id:
                        group.leader = member_id
                    group.members[member_id] = member
                    group.static[instance_id] = member_id
                    self._arm_session(group, member)
                    if static_rejoin:
                        respond(
                            JoinResult(member_id, group.generation, group.protocol, group.leader)
                        )
                        return
            if instance_id is not None:
                group.static[instance_id] = member_id
        found = group.members.get(member_id)
        if found is None:
            member = GroupMember(
                member_id,
                client,
                client_id,
                instance_id,
                strategies,
                topics,
                owned,
                session_ms / 1000,
                rebalance_ms / 1000,
                now,
            )
            group.members[member_id] = member
        else:
            member = found
            member.strategies, member.topics, member.owned = strategies, topics, owned
            member.client = client
            member.last_seen = now
        member.join_respond = respond
        self._arm_session(group, member)
        if group.state != "PreparingRebalance":
            self._prepare_rebalance(group)
        else:
            self._maybe_complete(group)

    def _uuid(self) -> str:
        value = self.world.rng.getrandbits(128)
        text = f"{value:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def _prepare_rebalance(self, group: Group) -> None:
        group.state = "PreparingRebalance"
        if group.join_timer is not None:
            group.join_timer.cancel()
        if group.initial:
            delay = self.cluster.config["group.initial.rebalance.delay.ms"] / 1000
            group.join_timer = self.world.call_later(delay, self._initial_delay_over, group)
            return
        timeout = max((m.rebalance for m in group.members.values()), default=0.0)
        group.join_timer = self.world.call_later(timeout, self._join_deadline, group)
        self._maybe_complete(group)

    def _initial_delay_over(self, group: Group) -> None:
        group.initial = False
        group.join_timer = None
        if group.state == "PreparingRebalance":
            timeout = max((m.rebalance for m in group.members.values()), default=0.0)
            group.join_timer = self.world.call_later(timeout, self._join_deadline, group)
            self._maybe_complete(group)

    def _maybe_complete(self, group: Group) -> None:
        if group.initial:
            return
        if group.members and all(m.join_respond is not None for m in group.members.values()):
            self._complete_join(group)

    def _join_deadline(self, group: Group) -> None:
        """Rebalance timeout: members that did not rejoin are removed."""
        group.join_timer = None
        if group.state != "PreparingRebalance":
            return
        for member in list(group.members.values()):
            if member.join_respond is None:
                self._remove(group, member)
        if group.members:
            self._complete_join(group)
        else:
            group.state = "Empty"

    def _complete_join(self, group: Group) -> None:
        if group.join_timer is not None:
            group.join_timer.cancel()
            group.join_timer = None
        members = list(group.members.values())
        group.generation += 1
        group.rebalances += 1
        group.protocol = assignors.choose_protocol([m.strategies for m in members])
        if group.leader not in group.members:
            group.leader = members[0].member_id
        counts: dict[str, int] = {}
        for member in members:
            for name in member.topics:
                topic = self.cluster.topics.get(name)
                if topic is not None:
                    counts[name] = len(topic.partitions)
        specs = [
            assignors.Member(
                m.member_id, tuple(m.topics), tuple(m.owned), m.instance_id, group.generation - 1
            )
            for m in members
        ]
        target = assignors.assign(group.protocol, specs, counts)
        if assignors.rebalance_protocol(group.protocol) == "COOPERATIVE":
            owned_by = {tp: m.member_id for m in members for tp in m.owned}
            for member in members:
                member.assignment = [
                    tp
                    for tp in target.get(member.member_id, [])
                    if owned_by.get(tp, member.member_id) == member.member_id
                ]
        else:
            for member in members:
                member.assignment = list(target.get(member.member_id, []))
        group.state = "Stable"
        trace = self.world.trace
        coordinator = self.coordinator_for(group.group_id)
        if trace.active:
            trace.emit(
                "kafka.rebalance",
                coordinator.name if coordinator is not None else self.cluster.controller.name,
                None,
                group=group.group_id,
                generation=group.generation,
                members=[m.member_id for m in members],
                protocol=group.protocol,
            )
        for member in members:
            respond, member.join_respond = member.join_respond, None
            member.last_seen = self.world.now
            self._arm_session(group, member)
            if respond is not None:
                respond(
                    JoinResult(member.member_id, group.generation, group.protocol, group.leader)
                )

    def handle_sync(
        self, respond: Responder, broker: Broker, group_id: str, member_id: str, generation: int
    ) -> None:
        """SyncGroup handler: this member's assignment."""
        group = self.groups.get(group_id)
        if group is None or member_id not in group.members:
            respond(SyncResult([], KafkaModelError("UNKNOWN_MEMBER_ID")))
            return
        if group.state == "PreparingRebalance":
            respond(SyncResult([], KafkaModelError("REBALANCE_IN_PROGRESS")))
            return
        if generation != group.generation:
            respond(SyncResult([], KafkaModelError("ILLEGAL_GENERATION")))
            return
        member = group.members[member_id]
        member.last_seen = self.world.now
        respond(SyncResult(list(member.assignment)))

    def handle_heartbeat(
        self, respond: Responder, broker: Broker, group_id: str, member_id: str, generation: int
    ) -> None:
        """Heartbeat handler."""
        if not self._is_coordinator(broker, group_id):
            respond(KafkaModelError("NOT_COORDINATOR"))
            return
        group = self.groups.get(group_id)
        if group is None or member_id not in group.members:
            respond(KafkaModelError("UNKNOWN_MEMBER_ID"))
            return
        member = group.members[member_id]
        member.last_seen = self.world.now
        if group.state == "PreparingRebalance":
            respond(KafkaModelError("REBALANCE_IN_PROGRESS"))
            return
        if generation != group.generation:
            respond(KafkaModelError("ILLEGAL_GENERATION"))
            return
        respond(None)

    def handle_leave(
        self, respond: Responder, broker: Broker, group_id: str, member_id: str
    ) -> None:
        """LeaveGroup handler."""
        group = self.groups.get(group_id)
        member = None if group is None else group.members.get(member_id)
        if group is None or member is None:
            respond(KafkaModelError("UNKNOWN_MEMBER_ID"))
            return
        self._remove(group, member)
        self._after_removal(group)
        respond(None)

    def _remove(self, group: Group, member: GroupMember) -> None:
        group.members.pop(member.member_id, None)
        if member.timer is not None:
            member.timer.cancel()
        if (
            member.instance_id is not None
            and group.static.get(member.instance_id) == member.member_id
        ):
            del group.static[member.instance_id]
        if member.join_respond is not None:
            member.join_respond(
                JoinResult(member.member_id, -1, "", "", KafkaModelError("UNKNOWN_MEMBER_ID"))
            )
            member.join_respond = None
        if group.leader == member.member_id:
            group.leader = next(iter(group.members), "")

    def _after_removal(self, group: Group) -> None:
        if not group.members:
            if group.join_timer is not None:
                group.join_timer.cancel()
                group.join_timer = None
            group.state = "Empty"
            group.generation += 1 if group.state != "Empty" else 0
            return
        if group.state == "PreparingRebalance":
            self._maybe_complete(group)
        else:
            self._prepare_rebalance(group)

    def _arm_session(self, group: Group, member: GroupMember) -> None:
        if member.timer is not None:
            member.timer.cancel()
        deadline = member.last_seen + member.session
        member.timer = self.world.call_at(deadline, self._session_check, group, member)

    def _session_check(self, group: Group, member: GroupMember) -> None:
        if group.members.get(member.member_id) is not member:
            return
        if member.join_respond is not None:
            return
        if self.world.now - member.last_seen >= member.session - 1e-9:
            self._remove(group, member)
            self._after_removal(group)
        else:
            self._arm_session(group, member)

    # -- offsets ----------

    def handle_commit(
        self,
        respond: Responder,
        broker: Broker,
        group_id: str,
        member_id: str,
        generation: int,
        offsets: Mapping[TP, tuple[int, str, int]],
    ) -> None:
        """OffsetCommit handler: per-partition result (None = ok)."""
        if not self._is_coordinator(broker, group_id):
            respond(KafkaModelError("NOT_COORDINATOR"))
            return
        group = self.group(group_id)
        problem = self.commit_problem(group, member_id, generation)
        if problem is not None:
            respond(dict.fromkeys(offsets, problem))
            return
        out: dict[TP, KafkaModelError | None] = {}
        for tp, value in offsets.items():
            topic = self.cluster.topics.get(tp[0])
            if topic is None or not 0 <= tp[1] < len(topic.partitions):
                out[tp] = KafkaModelError("UNKNOWN_TOPIC_OR_PART")
                continue
            group.offsets[tp] = value
            out[tp] = None
        if group.members.get(member_id) is not None:
            group.members[member_id].last_seen = self.world.now
        respond(out)

    def commit_problem(
        self, group: Group, member_id: str, generation: int
    ) -> KafkaModelError | None:
        """Why OffsetCommit from this member/generation is refused (None: accepted)."""
        if generation < 0 and not member_id:
            if group.members:
                return KafkaModelError("UNKNOWN_MEMBER_ID")
            return None
        if member_id not in group.members:
            return KafkaModelError("UNKNOWN_MEMBER_ID")
        if generation != group.generation:
            return KafkaModelError("ILLEGAL_GENERATION")
        return None

    def handle_offset_fetch(
        self, respond: Responder, broker: Broker, group_id: str, partitions: Sequence[TP]
    ) -> None:
        """OffsetFetch handler: committed offset per partition (-1001 when none)."""
        if not self._is_coordinator(broker, group_id):
            respond(KafkaModelError("NOT_COORDINATOR"))
            return
        group = self.groups.get(group_id)
        out: dict[TP, int] = {}
        for tp in partitions:
            found = None if group is None else group.offsets.get(tp)
            out[tp] = -1001 if found is None else found[0]
        respond(out)

    def committed(self, group_id: str, topic: str, partition: int) -> int:
        """The committed offset (-1001 if none): for tests and labs."""
        group = self.groups.get(group_id)
        found = None if group is None else group.offsets.get((topic, partition))
        return -1001 if found is None else found[0]

    # -- admin ----------

    def describe(self, group_id: str) -> GroupDescription:
        """DescribeGroups for one group (``Dead`` if unknown)."""
        group = self.groups.get(group_id)
        coordinator = self.coordinator_for(group_id)
        coordinator_id = coordinator.id if coordinator is not None else -1
        if group is None:
            return GroupDescription(group_id, "Dead", "", "", -1, coordinator_id, ())
        members = tuple(
            (m.member_id, m.client_id, m.instance_id, m.client, tuple(m.assignment))
            for m in group.members.values()
        )
        return GroupDescription(
            group_id,
            group.state,
            "consumer",
            group.protocol,
            group.generation,
            coordinator_id,
            members,
        )

    def delete_group(self, group_id: str) -> None:
        """DeleteGroups: only an empty group can be deleted."""
        group = self.groups.get(group_id)
        if group is None:
            raise KafkaModelError("GROUP_ID_NOT_FOUND")
        if group.members:
            raise KafkaModelError("NON_EMPTY_GROUP")
        del self.groups[group_id]

    def broker_crashed(self, broker: Broker) -> None:
        """A broker crashed: members find the new coordinator on their next request."""

    def broker_restarted(self, broker: Broker) -> None:
        """A broker came back."""

    def statistics(self) -> tuple[GroupStatistics, ...]:
        """Statistics of every group, by group id."""
        return tuple(self.groups[g].statistics() for g in sorted(self.groups))


__all__ = [
    "Group",
    "GroupCoordinator",
    "GroupDescription",
    "GroupMember",
    "GroupStatistics",
    "JoinResult",
    "SyncResult",
]
