"""Consumer-group assignors: ``range``, ``roundrobin``, ``sticky``, ``cooperative-sticky``.

Kafka's classic group protocol lets the group *leader* (a client, not the broker) compute
the assignment: the broker picks a strategy every member supports
(:func:`choose_protocol`), the leader runs it over all members' subscriptions and the
topics' partition counts, and the broker hands each member its share. These functions
are that computation, pure and deterministic, exact to librdkafka 2.x (the
confluent-kafka leader) and, where the algorithms agree, to the Java client:

* ``range`` and ``roundrobin`` order members by member id (by ``group.instance.id``
  when both members being compared are static, as Java's ``MemberInfo`` does);
* ``sticky`` and ``cooperative-sticky`` run librdkafka's port of Java's
  ``AbstractStickyAssignor`` general algorithm, tie-breaking on (assigned count, member id)
  and keeping what each member already ``owned``.

``cooperative-sticky`` returns the *target* assignment; the cooperative protocol first
makes members give up :func:`cooperative_revocations`, rebalances again, and only then
hands those partitions to their new owners (librdkafka removes them from the first
round's assignment). :func:`cooperative_rounds` plays both rounds.

mqsim: topics are taken in name order (librdkafka takes them in metadata order, which
on real brokers and the mock is name order for the topics recorded); racks (KIP-881)
are not modelled; Java >= 2.8 uses a faster "constrained" sticky algorithm when all
subscriptions are identical, whose tie-breaks can differ from librdkafka's (both keep
the same balance and stickiness guarantees).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from mqsim.sim import InvalidArgument, SimulationBug

__all__ = [
    "DEFAULT_STRATEGIES",
    "STRATEGIES",
    "Member",
    "TopicPartition",
    "assign",
    "choose_protocol",
    "common_strategies",
    "cooperative_revocations",
    "cooperative_rounds",
    "member_order",
    "moved_partitions",
    "rebalance_protocol",
]

TopicPartition = tuple[str, int]
"""A ``(topic, partition)`` pair."""

STRATEGIES: tuple[str, ...] = ("range", "roundrobin", "sticky", "cooperative-sticky")
"""Assignor names, as in ``partition.assignment.strategy``."""

DEFAULT_STRATEGIES: tuple[str, ...] = ("range", "roundrobin")
"""librdkafka's default ``partition.assignment.strategy`` (``"range,roundrobin"``)."""

_COOPERATIVE = frozenset({"cooperative-sticky"})


@dataclass(frozen=True)
class Member:
    """One group member as the leader sees it in the JoinGroup response.

    ``topics`` is its subscription; ``owned`` the partitions it holds going into this
    rebalance (cooperative protocol: ConsumerProtocol ``owned_partitions``; eager
    ``sticky``: the previous assignment in its user data); ``generation`` the generation
    of that ownership (-1: none).
    """

    member_id: str
    topics: tuple[str, ...]
    owned: tuple[tuple[str, int], ...] = ()
    group_instance_id: str | None = None
    generation: int = -1


def rebalance_protocol(strategy: str) -> str:
    """``"COOPERATIVE"`` for ``cooperative-sticky``, ``"EAGER"`` for the others."""
    _check_strategy(strategy)
    return "COOPERATIVE" if strategy in _COOPERATIVE else "EAGER"


def _order_key(member: Member) -> tuple[int, str]:
    if member.group_instance_id is not None:
        return (0, member.group_instance_id)
    return (1, member.member_id)


def member_order(members: Iterable[Member]) -> list[Member]:
    """Members in the order the assignors use: by member id, static ones by instance id.

    Java (``MemberInfo.compareTo``) puts static members first, by ``group.instance.id``,
    then dynamic ones by member id; librdkafka agrees whenever all members are static or
    none is.
    """
    return sorted(members, key=_order_key)


def common_strategies(member_strategies: Sequence[Sequence[str]]) -> tuple[str, ...]:
    """The strategies every member supports, in the first member's order of preference."""
    if not member_strategies:
        return ()
    others = [set(s) for s in member_strategies[1:]]
    return tuple(s for s in member_strategies[0] if all(s in o for o in others))


def choose_protocol(member_strategies: Sequence[Sequence[str]]) -> str:
    """The strategy the coordinator selects for a group, given each member's preferences.

    The broker (``GroupMetadata.selectProtocol``) keeps the strategies all members
    support; each member votes for its most preferred one among them and the most votes
    win. mqsim breaks a tie by the first member's (the leader's) preference order. When
    all members list the same strategies this is the leader's first common strategy.
    No common strategy is the broker's ``INCONSISTENT_GROUP_PROTOCOL``: check with
    :func:`common_strategies` first; here it raises :class:`~mqsim.sim.InvalidArgument`.
    """
    candidates = common_strategies(member_strategies)
    if not candidates:
        raise InvalidArgument(
            "partition.assignment.strategy: the members share no strategy "
            "(the broker answers INCONSISTENT_GROUP_PROTOCOL)"
        )
    votes = dict.fromkeys(candidates, 0)
    for prefs in member_strategies:
        votes[next(s for s in prefs if s in votes)] += 1
    best = max(votes.values())
    return next(s for s in candidates if votes[s] == best)


def _check_strategy(strategy: str) -> None:
    if strategy not in STRATEGIES:
        raise InvalidArgument(
            f"strategy must be one of {', '.join(STRATEGIES)}, not {strategy!r} "
            "(partition.assignment.strategy)"
        )


def _check_inputs(members: Sequence[Member], partitions: Mapping[str, int]) -> None:
    seen: set[str] = set()
    for member in members:
        if not isinstance(member, Member):
            raise InvalidArgument(f"members must be Member records, not {member!r}")
        if member.member_id in seen:
            raise InvalidArgument(f"members: member_id {member.member_id!r} appears twice")
        seen.add(member.member_id)
    for topic, count in partitions.items():
        if not isinstance(count, int) or count < 0:
            raise InvalidArgument(f"partitions[{topic!r}] must be a count >= 0, not {count!r}")


def _eligible_topics(members: Sequence[Member], partitions: Mapping[str, int]) -> list[str]:
    """Existing topics that at least one member subscribes to, in name order."""
    wanted = {t for m in members for t in m.topics}
    return sorted(t for t in partitions if t in wanted)


def assign(
    strategy: str, members: Sequence[Member], partitions: Mapping[str, int]
) -> dict[str, list[TopicPartition]]:
    """The assignment ``strategy`` computes: member id -> sorted ``(topic, partition)`` list.

    ``partitions`` maps each existing topic to its partition count; subscribed topics
    missing from it are ignored (as an unknown topic is). Every member id is a key, with
    an empty list when it gets nothing. For ``cooperative-sticky`` this is the target
    assignment (see :func:`cooperative_revocations`).
    """
    _check_strategy(strategy)
    _check_inputs(members, partitions)
    ordered = member_order(members)
    topics = _eligible_topics(ordered, partitions)
    if strategy == "range":
        result = _range(ordered, topics, partitions)
    elif strategy == "roundrobin":
        result = _roundrobin(ordered, topics, partitions)
    else:
        result = _StickyRun(ordered, topics, partitions).run()
    return {m.member_id: sorted(result[m.member_id]) for m in members}


def _range(
    members: list[Member], topics: list[str], partitions: Mapping[str, int]
) -> dict[str, list[TopicPartition]]:
    """Per topic, contiguous ranges; the first ``n % m`` subscribers get one extra."""
    result: dict[str, list[TopicPartition]] = {m.member_id: [] for m in members}
    for topic in topics:
        subscribers = [m for m in members if topic in m.topics]
        count = partitions[topic]
        per, extra = divmod(count, len(subscribers))
        for i, member in enumerate(subscribers):
            start = per * i + min(i, extra)
            length = per + (1 if i < extra else 0)
            result[member.member_id].extend((topic, p) for p in range(start, start + length))
    return result


def _roundrobin(
    members: list[Member], topics: list[str], partitions: Mapping[str, int]
) -> dict[str, list[TopicPartition]]:
    """All partitions in (topic, partition) order dealt over the members in turn.

    A member not subscribed to a partition's topic is skipped; the deal goes on from
    the member after the one that took the previous partition.
    """
    result: dict[str, list[TopicPartition]] = {m.member_id: [] for m in members}
    cursor = -1
    for topic in topics:
        for partition in range(partitions[topic]):
            cursor = (cursor + 1) % len(members)
            while topic not in members[cursor].topics:
                cursor = (cursor + 1) % len(members)
            result[members[cursor].member_id].append((topic, partition))
    return result


class _StickyRun:
    """One run of librdkafka's sticky assignor (``rdkafka_sticky_assignor.c``).

    The names follow the C code (itself a port of Java's ``AbstractStickyAssignor``) so
    the two can be read side by side. Only the iteration orders that decide a result
    are reproduced: librdkafka's hash maps iterate newest entry first.
    """

    def __init__(
        self, members: list[Member], topics: list[str], partitions: Mapping[str, int]
    ) -> None:
        self.members = members
        self.subscriptions = {m.member_id: set(m.topics) for m in members}
        self.current: dict[str, list[TopicPartition]] = {m.member_id: [] for m in members}
        self.potential: dict[str, list[TopicPartition]] = {m.member_id: [] for m in members}
        self.potential_sets: dict[str, set[TopicPartition]] = {}
        self.partition_consumers: dict[TopicPartition, list[str]] = {}
        self.owner: dict[TopicPartition, str] = {}
        self.prev_owner: dict[TopicPartition, str] = {}
        self.movements: dict[TopicPartition, tuple[str, str]] = {}
        self.movements_by_topic: dict[str, dict[tuple[str, str], list[TopicPartition]]] = {}
        self.sorted_members: list[str] = []
        self._prepopulate()
        for topic in topics:
            subscribers = [m.member_id for m in members if topic in m.topics]
            for p in range(partitions[topic]):
                tp = (topic, p)
                for member_id in subscribers:
                    self.potential[member_id].append(tp)
                self.partition_consumers[tp] = list(subscribers)
        self.potential_sets = {k: set(v) for k, v in self.potential.items()}

    # -- setup ---------------------------------------------------------------------------

    def _prepopulate(self) -> None:
        """Current owners from ``owned``; the highest generation wins a double claim.

        Two claims in the same generation invalidate the partition for everybody; the
        next-highest claimant becomes the partition's previous owner.
        """
        claims: dict[TopicPartition, list[tuple[int, str]]] = {}
        for member in self.members:
            for tp in member.owned:
                claims.setdefault((tp[0], tp[1]), []).append((member.generation, member.member_id))
        for tp in reversed(list(claims)):
            by_generation = sorted(claims[tp], key=lambda c: c[0])
            generations = [g for g, _ in by_generation]
            if len(set(generations)) != len(generations):
                continue
            self.current[by_generation[-1][1]].append(tp)
            self.owner[tp] = by_generation[-1][1]
            if len(by_generation) >= 2:
                self.prev_owner[tp] = by_generation[-2][1]

    def _subscriptions_identical(self) -> bool:
        lists = list(self.partition_consumers.values())
        if any(c != lists[0] for c in lists[1:]):
            return False
        sets = [self.potential_sets[m.member_id] for m in self.members]
        return all(s == sets[0] for s in sets[1:])

    def _sort_partitions(self) -> list[TopicPartition]:
        """The order in which partitions are considered for (re)assignment."""
        if not self._subscriptions_identical():
            return sorted(
                self.partition_consumers, key=lambda tp: (len(self.partition_consumers[tp]), tp)
            )
        result: list[TopicPartition] = []
        remaining: dict[str, list[TopicPartition]] = {}
        for member_id, owned in self.current.items():
            owned.sort()
            valid = [tp for tp in owned if tp in self.partition_consumers]
            if valid:
                remaining[member_id] = valid
        queue = sorted(remaining, key=lambda m: (len(remaining[m]), m))
        while queue:
            member_id = queue[-1]
            left = remaining[member_id]
            if left:
                moved_before = [tp for tp in left if tp in self.prev_owner]
                tp = moved_before[0] if moved_before else left[0]
                left.remove(tp)
                result.append(tp)
                queue.sort(key=lambda m: (len(remaining[m]), m))
            else:
                queue.pop()
        was_empty = not result
        listed = set(result)
        for tp in reversed(list(self.partition_consumers)):
            if tp not in listed:
                result.append(tp)
        if was_empty:
            result.sort()
        return result

    # -- the run -------------------------------------------------------------------------

    def run(self) -> dict[str, list[TopicPartition]]:
        if not self.members:
            return {}
        sorted_partitions = self._sort_partitions()
        unassigned = list(sorted_partitions)
        unassigned_set = set(unassigned)
        revocation_required = False
        for member_id in reversed(list(self.current)):
            kept: list[TopicPartition] = []
            for tp in self.current[member_id]:
                if tp not in self.partition_consumers:
                    self.owner.pop(tp, None)
                elif tp[0] not in self.subscriptions[member_id]:
                    revocation_required = True
                else:
                    kept.append(tp)
                    if tp in unassigned_set:
                        unassigned.remove(tp)
                        unassigned_set.discard(tp)
            self.current[member_id] = kept
        self.sorted_members = sorted(self.current, key=self._count_key)
        self._balance(sorted_partitions, unassigned, revocation_required)
        return self.current

    def _count_key(self, member_id: str) -> tuple[int, str]:
        return (len(self.current[member_id]), member_id)

    def _resort(self) -> None:
        self.sorted_members.sort(key=self._count_key)

    def _balance(
        self,
        sorted_partitions: list[TopicPartition],
        unassigned: list[TopicPartition],
        revocation_required: bool,
    ) -> None:
        initializing = len(self.current[self.sorted_members[-1]]) == 0
        for tp in unassigned:
            self._maybe_assign(tp)
        movable = {tp for tp, c in self.partition_consumers.items() if len(c) >= 2}
        sorted_partitions = [tp for tp in sorted_partitions if tp in movable]
        unassigned = [tp for tp in unassigned if tp in movable]
        fixed: dict[str, list[TopicPartition]] = {}
        for member_id in list(self.sorted_members):
            if not self._can_participate(member_id):
                self.sorted_members.remove(member_id)
                fixed[member_id] = self.current.pop(member_id)
        before = {k: list(v) for k, v in self.current.items()}
        before_owner = dict(self.owner)
        if not revocation_required and unassigned:
            self._perform_reassignments(unassigned)
        performed = self._perform_reassignments(sorted_partitions)
        if (
            not initializing
            and performed
            and _balance_score(self.current) >= _balance_score(before)
        ):
            self.current = before
            self.owner = before_owner
        self.current.update(fixed)
        self.sorted_members = sorted(self.current, key=self._count_key)

    def _maybe_assign(self, tp: TopicPartition) -> None:
        if not self.partition_consumers.get(tp):
            return
        for member_id in self.sorted_members:
            if tp in self.potential_sets[member_id]:
                self.current[member_id].append(tp)
                self.owner[tp] = member_id
                self._resort()
                return

    def _can_participate(self, member_id: str) -> bool:
        assigned = self.current[member_id]
        if len(assigned) < len(self.potential[member_id]):
            return True
        return any(len(self.partition_consumers.get(tp, ())) >= 2 for tp in assigned)

    def _is_balanced(self) -> bool:
        if not self.sorted_members:
            return True
        low = len(self.current[self.sorted_members[0]])
        high = len(self.current[self.sorted_members[-1]])
        if low >= high - 1:
            return True
        for member_id in self.sorted_members:
            mine = self.current[member_id]
            if len(mine) == len(self.potential[member_id]):
                continue
            mine_set = set(mine)
            for tp in self.potential[member_id]:
                if tp in mine_set:
                    continue
                other = self.owner.get(tp)
                if other is None or other not in self.current:
                    raise SimulationBug(f"sticky assignor: {tp} has no current owner")
                if len(mine) < len(self.current[other]):
                    return False
        return True

    def _perform_reassignments(self, reassignable: list[TopicPartition]) -> bool:
        performed = False
        modified = True
        while modified:
            modified = False
            for tp in reassignable:
                if self._is_balanced():
                    break
                consumer = self.owner[tp]
                size = len(self.current[consumer])
                prev = self.prev_owner.get(tp)
                if prev is not None and prev in self.current and size > len(self.current[prev]) + 1:
                    self._reassign_to(tp, prev)
                    performed = modified = True
                    continue
                for other in self.partition_consumers[tp]:
                    if other == consumer or size <= len(self.current[other]) + 1:
                        continue
                    self._reassign(tp)
                    performed = modified = True
                    break
        return performed

    def _reassign(self, tp: TopicPartition) -> None:
        for member_id in self.sorted_members:
            if tp in self.potential_sets[member_id]:
                self._reassign_to(tp, member_id)
                return
        raise SimulationBug(f"sticky assignor: no member can take {tp}")

    def _reassign_to(self, tp: TopicPartition, new_owner: str) -> None:
        self._process_movement(
            self._actual_partition_to_move(tp, self.owner[tp], new_owner), new_owner
        )

    def _actual_partition_to_move(
        self, tp: TopicPartition, old_owner: str, new_owner: str
    ) -> TopicPartition:
        """Undo an earlier move in the opposite direction instead of making a new one."""
        by_pair = self.movements_by_topic.get(tp[0])
        if by_pair is None:
            return tp
        if tp in self.movements:
            old_owner = self.movements[tp][0]
        reverse = by_pair.get((new_owner, old_owner))
        return reverse[0] if reverse else tp

    def _process_movement(self, tp: TopicPartition, new_owner: str) -> None:
        old_owner = self.owner[tp]
        self._record_movement(tp, old_owner, new_owner)
        self.current[new_owner].append(tp)
        self.current[old_owner].remove(tp)
        self.owner[tp] = new_owner
        self._resort()

    def _record_movement(self, tp: TopicPartition, old_owner: str, new_owner: str) -> None:
        if tp in self.movements:
            source, dest = self.movements.pop(tp)
            by_pair = self.movements_by_topic[tp[0]]
            by_pair[(source, dest)].remove(tp)
            if not by_pair[(source, dest)]:
                del by_pair[(source, dest)]
            if not by_pair:
                del self.movements_by_topic[tp[0]]
            if dest != old_owner:
                raise SimulationBug(f"sticky assignor: movement record of {tp} is stale")
            if source != new_owner:
                self._add_movement(tp, (source, new_owner))
        else:
            self._add_movement(tp, (old_owner, new_owner))

    def _add_movement(self, tp: TopicPartition, pair: tuple[str, str]) -> None:
        self.movements[tp] = pair
        self.movements_by_topic.setdefault(tp[0], {}).setdefault(pair, []).append(tp)


def _balance_score(assignment: Mapping[str, list[TopicPartition]]) -> int:
    """Sum over member pairs of the difference in assigned counts (0 = perfectly even)."""
    sizes = [len(v) for v in assignment.values()]
    return sum(abs(a - b) for i, a in enumerate(sizes) for b in sizes[i + 1 :])


def cooperative_revocations(
    members: Sequence[Member], target: Mapping[str, Sequence[TopicPartition]]
) -> dict[str, list[TopicPartition]]:
    """What each member must give up before the target assignment can be handed out.

    Cooperative protocol (KIP-429): a member keeps what it owns and is also in its target,
    revokes the rest first (``on_revoke`` with only those partitions), then the group
    rebalances again and the freed partitions go to their new owners.
    """
    result: dict[str, list[TopicPartition]] = {}
    for member in members:
        keep = set(target.get(member.member_id, ()))
        result[member.member_id] = sorted({(t, p) for t, p in member.owned} - keep)
    return result


def cooperative_rounds(
    members: Sequence[Member], partitions: Mapping[str, int]
) -> tuple[dict[str, list[TopicPartition]], dict[str, list[TopicPartition]]]:
    """The two assignments of a cooperative rebalance: (first round, settled).

    Round one: the leader computes the target and, as librdkafka does, withholds every
    partition that another member still owns, so members only keep what they had plus
    partitions nobody owned. Members then revoke :func:`cooperative_revocations` and
    rejoin owning round one's assignment; round two assigns the freed partitions.
    """
    target = assign("cooperative-sticky", members, partitions)
    owned_by = {(t, p): m.member_id for m in members for t, p in m.owned}
    first = {
        member_id: [tp for tp in tps if owned_by.get(tp, member_id) == member_id]
        for member_id, tps in target.items()
    }
    generation = max((m.generation for m in members), default=-1) + 1
    rejoined = [
        Member(m.member_id, m.topics, tuple(first[m.member_id]), m.group_instance_id, generation)
        for m in members
    ]
    return first, assign("cooperative-sticky", rejoined, partitions)


def moved_partitions(
    before: Mapping[str, Sequence[TopicPartition]], after: Mapping[str, Sequence[TopicPartition]]
) -> list[tuple[TopicPartition, str | None, str | None]]:
    """Partitions whose owner changed: sorted ``(partition, from, to)``; None = nobody."""
    old = {tp: m for m, tps in before.items() for tp in tps}
    new = {tp: m for m, tps in after.items() for tp in tps}
    return sorted(
        (tp, old.get(tp), new.get(tp))
        for tp in old.keys() | new.keys()
        if old.get(tp) != new.get(tp)
    )
