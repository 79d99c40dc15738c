"""Assignors: range, roundrobin, sticky and cooperative-sticky as Kafka's group leader runs them."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from mqsim.kafka.assignors import (
    DEFAULT_STRATEGIES,
    STRATEGIES,
    Member,
    TopicPartition,
    assign,
    choose_protocol,
    common_strategies,
    cooperative_revocations,
    cooperative_rounds,
    member_order,
    moved_partitions,
    rebalance_protocol,
)
from mqsim.sim import InvalidArgument

FOUR_TOPICS = {"t0": 2, "t1": 2, "t2": 2, "t3": 2}


def _tps(text: str) -> list[TopicPartition]:
    """'t0p0 t1p1' -> [('t0', 0), ('t1', 1)]."""
    return [(t, int(p)) for t, p in (item.split("p") for item in text.split())]


def _members(ids: str, topics: tuple[str, ...]) -> list[Member]:
    return [Member(member_id, topics) for member_id in ids.split()]


def _owning(assignment: dict[str, list[TopicPartition]], members: list[Member]) -> list[Member]:
    return [Member(m.member_id, m.topics, tuple(assignment[m.member_id]), None, 1) for m in members]


def test_strategy_names_and_protocols() -> None:
    """Four strategies; only cooperative-sticky uses the cooperative protocol."""
    assert STRATEGIES == ("range", "roundrobin", "sticky", "cooperative-sticky")
    assert DEFAULT_STRATEGIES == ("range", "roundrobin")
    assert [rebalance_protocol(s) for s in STRATEGIES] == ["EAGER"] * 3 + ["COOPERATIVE"]


def test_range_splits_each_topic_into_contiguous_ranges() -> None:
    """Range: per topic, the first n % m members take one extra, so rank 0 collects them."""
    members = _members("c1 c0", ("A", "B"))
    result = assign("range", members, {"A": 3, "B": 3})
    assert result == {"c0": [("A", 0), ("A", 1), ("B", 0), ("B", 1)], "c1": [("A", 2), ("B", 2)]}


def test_roundrobin_deals_over_sorted_members() -> None:
    """Roundrobin: Kafka's javadoc example (C0: t0p0 t0p2 t1p1; C1: t0p1 t1p0 t1p2)."""
    result = assign("roundrobin", _members("C0 C1", ("t0", "t1")), {"t0": 3, "t1": 3})
    assert result == {"C0": _tps("t0p0 t0p2 t1p1"), "C1": _tps("t0p1 t1p0 t1p2")}


def test_roundrobin_skips_members_not_subscribed() -> None:
    """A member that does not subscribe to a topic is skipped and the deal continues."""
    members = [Member("a", ("A",)), Member("b", ("A", "B")), Member("c", ("B", "C"))]
    result = assign("roundrobin", members, {"A": 3, "B": 4, "C": 2})
    assert result == {
        "a": [("A", 0), ("A", 2)],
        "b": [("A", 1), ("B", 0), ("B", 2)],
        "c": [("B", 1), ("B", 3), ("C", 0), ("C", 1)],
    }


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_more_members_than_partitions_leaves_the_last_ranks_empty(strategy: str) -> None:
    """With 4 members and 3 partitions the highest rank gets nothing, but is listed."""
    result = assign(strategy, _members("m3 m1 m0 m2", ("A",)), {"A": 3})
    assert list(result) == ["m3", "m1", "m0", "m2"]
    assert result["m3"] == []
    assert sorted(tp for tps in result.values() for tp in tps) == [("A", 0), ("A", 1), ("A", 2)]


def test_sticky_keeps_partitions_when_a_member_leaves() -> None:
    """Java StickyAssignor javadoc, example 1: C1 leaves, only its partitions move."""
    members = _members("C0 C1 C2", tuple(FOUR_TOPICS))
    first = assign("sticky", members, FOUR_TOPICS)
    assert first == {
        "C0": _tps("t0p0 t1p1 t3p0"),
        "C1": _tps("t0p1 t2p0 t3p1"),
        "C2": _tps("t1p0 t2p1"),
    }
    rest = [m for m in _owning(first, members) if m.member_id != "C1"]
    second = assign("sticky", rest, FOUR_TOPICS)
    assert second == {"C0": _tps("t0p0 t1p1 t2p0 t3p0"), "C2": _tps("t0p1 t1p0 t2p1 t3p1")}
    assert assign("roundrobin", rest, FOUR_TOPICS)["C0"] == _tps("t0p0 t1p0 t2p0 t3p0")


def test_sticky_balances_mixed_subscriptions() -> None:
    """Java StickyAssignor javadoc, example 2: better balance than roundrobin, then sticky."""
    counts = {"t0": 1, "t1": 2, "t2": 3}
    members = [Member("C0", ("t0",)), Member("C1", ("t0", "t1")), Member("C2", ("t0", "t1", "t2"))]
    first = assign("sticky", members, counts)
    assert first == {"C0": _tps("t0p0"), "C1": _tps("t1p0 t1p1"), "C2": _tps("t2p0 t2p1 t2p2")}
    assert assign("roundrobin", members, counts)["C2"] == _tps("t1p1 t2p0 t2p1 t2p2")
    rest = _owning(first, members)[1:]
    assert assign("sticky", rest, counts) == {
        "C1": _tps("t0p0 t1p0 t1p1"),
        "C2": _tps("t2p0 t2p1 t2p2"),
    }


def test_cooperative_join_revokes_only_what_moves() -> None:
    """A joining member gets 2 of 6 partitions; each old member revokes exactly one."""
    members = _members("a b", ("A",))
    start = assign("cooperative-sticky", members, {"A": 6})
    joined = [*_owning(start, members), Member("c", ("A",))]
    target = assign("cooperative-sticky", joined, {"A": 6})
    revoked = cooperative_revocations(joined, target)
    assert sorted(len(v) for v in revoked.values()) == [0, 1, 1]
    assert revoked["c"] == []
    first, settled = cooperative_rounds(joined, {"A": 6})
    assert first["c"] == []
    assert settled == target
    assert [to for _, _, to in moved_partitions(start, settled)] == ["c", "c"]


def test_member_order_uses_instance_ids_for_static_members() -> None:
    """Static members sort by group.instance.id, before dynamic ones (Java's MemberInfo)."""
    members = [
        Member("a-1", ("A",), group_instance_id="z"),
        Member("b-1", ("A",), group_instance_id="y"),
        Member("0-1", ("A",)),
    ]
    assert [m.member_id for m in member_order(members)] == ["b-1", "a-1", "0-1"]
    assert assign("range", members, {"A": 3})["b-1"] == [("A", 0)]


def test_missing_topics_are_ignored() -> None:
    """A subscribed topic that does not exist assigns nothing."""
    assert assign("range", [Member("m", ("A", "nope"))], {"A": 1}) == {"m": [("A", 0)]}
    assert assign("sticky", [Member("m", ("nope",))], {"A": 1}) == {"m": []}
    assert assign("cooperative-sticky", [], {"A": 1}) == {}


def test_invalid_owned_claims_are_dropped() -> None:
    """Two members claiming one partition in the same generation lose it; it is reassigned."""
    members = [
        Member("a", ("A",), (("A", 0), ("A", 9)), generation=3),
        Member("b", ("A",), (("A", 0),), generation=3),
    ]
    result = assign("cooperative-sticky", members, {"A": 2})
    assert sorted(tp for tps in result.values() for tp in tps) == [("A", 0), ("A", 1)]


def test_double_claim_prefers_newer_generation_then_previous_owner() -> None:
    """The newer claim owns the partition; when balancing must move one, the older
    claimant (its previous owner) gets it back rather than another partition moving."""
    members = [
        Member("a", ("A",), (("A", 0),), generation=1),
        Member("b", ("A",), (("A", 0), ("A", 1)), generation=2),
        Member("c", ("A",), (("A", 2),), generation=2),
    ]
    assert assign("sticky", members, {"A": 3}) == {
        "a": [("A", 0)],
        "b": [("A", 1)],
        "c": [("A", 2)],
    }
    members[0] = Member("a", ("A",), (("A", 0),), generation=2)
    assert assign("sticky", members, {"A": 3})["b"] == [("A", 1)]


@pytest.mark.parametrize(
    ("prefs", "chosen"),
    [
        ([["range", "roundrobin"], ["range", "roundrobin"]], "range"),
        ([["roundrobin", "range"], ["range", "roundrobin"], ["roundrobin"]], "roundrobin"),
        ([["cooperative-sticky"], ["cooperative-sticky", "range"]], "cooperative-sticky"),
        ([["range", "roundrobin"], ["roundrobin", "range"]], "range"),
        ([["a", "b", "c"], ["b", "c"], ["c", "b"], ["c"]], "c"),
    ],
)
def test_choose_protocol_by_votes(prefs: list[list[str]], chosen: str) -> None:
    """Each member votes for its favourite common strategy; ties go to the leader's order."""
    assert choose_protocol(prefs) == chosen


def test_no_common_strategy_is_rejected() -> None:
    """Members with nothing in common: the broker's INCONSISTENT_GROUP_PROTOCOL."""
    assert common_strategies([["range"], ["roundrobin"]]) == ()
    assert common_strategies([]) == ()
    with pytest.raises(InvalidArgument, match="INCONSISTENT_GROUP_PROTOCOL"):
        choose_protocol([["range"], ["roundrobin"]])


def test_bad_input_names_the_field() -> None:
    """Unknown strategies, duplicate member ids and negative counts are mqsim input errors."""
    with pytest.raises(InvalidArgument, match="strategy"):
        assign("sticky-ish", [], {})
    with pytest.raises(InvalidArgument, match="strategy"):
        rebalance_protocol("nope")
    with pytest.raises(InvalidArgument, match="appears twice"):
        assign("range", _members("a a", ("A",)), {"A": 1})
    with pytest.raises(InvalidArgument, match="partitions"):
        assign("range", _members("a", ("A",)), {"A": -1})
    with pytest.raises(InvalidArgument, match="Member"):
        assign("range", ["a"], {"A": 1})  # type: ignore[list-item]


# -- properties -------------------------------------------------------------------------

TOPIC_NAMES = ("A", "B", "C")


@st.composite
def groups(draw: st.DrawFn, identical: bool = False) -> tuple[list[Member], dict[str, int]]:
    counts = {t: draw(st.integers(0, 9)) for t in TOPIC_NAMES[: draw(st.integers(1, 3))]}
    ids = draw(
        st.lists(st.text("abc0123", min_size=1, max_size=4), min_size=1, max_size=6, unique=True)
    )
    pool = (*counts, "missing")
    if identical:
        subs = tuple(counts)
        return [Member(i, subs) for i in ids], counts
    members = [
        Member(i, tuple(draw(st.lists(st.sampled_from(pool), min_size=1, unique=True))))
        for i in ids
    ]
    return members, counts


def _check_valid(
    result: dict[str, list[TopicPartition]], members: list[Member], counts: dict[str, int]
) -> None:
    subscribed = {t for m in members for t in m.topics}
    expected = sorted((t, p) for t, n in counts.items() if t in subscribed for p in range(n))
    assigned = sorted(tp for tps in result.values() for tp in tps)
    assert assigned == expected  # every partition exactly once
    topics_of = {m.member_id: m.topics for m in members}
    for member_id, tps in result.items():
        assert tps == sorted(tps)
        assert all(t in topics_of[member_id] for t, _ in tps)
    assert set(result) == set(topics_of)


@given(group=groups(), strategy=st.sampled_from(STRATEGIES))
def test_each_partition_goes_to_exactly_one_subscriber(
    group: tuple[list[Member], dict[str, int]], strategy: str
) -> None:
    """Every partition of a subscribed topic is assigned once, to a member subscribing to it."""
    members, counts = group
    _check_valid(assign(strategy, members, counts), members, counts)


@given(
    group=groups(identical=True),
    strategy=st.sampled_from(("roundrobin", "sticky", "cooperative-sticky")),
)
def test_identical_subscriptions_are_balanced(
    group: tuple[list[Member], dict[str, int]], strategy: str
) -> None:
    """With identical subscriptions the counts differ by at most one."""
    members, counts = group
    sizes = [len(v) for v in assign(strategy, members, counts).values()]
    assert max(sizes) - min(sizes) <= 1


@given(group=groups(), strategy=st.sampled_from(("sticky", "cooperative-sticky")))
def test_sticky_moves_nothing_when_membership_is_unchanged(
    group: tuple[list[Member], dict[str, int]], strategy: str
) -> None:
    """Rebalancing the same members, owning their assignment, moves no partition."""
    members, counts = group
    first = assign(strategy, members, counts)
    again = assign(strategy, _owning(first, members), counts)
    assert again == first
    assert cooperative_revocations(_owning(first, members), again) == {
        m.member_id: [] for m in members
    }


@given(group=groups(identical=True), data=st.data())
def test_cooperative_join_and_leave_move_only_what_they_must(
    group: tuple[list[Member], dict[str, int]], data: st.DataObject
) -> None:
    """A joiner only takes partitions; a leaver's partitions are the only ones that move."""
    members, counts = group
    start = assign("cooperative-sticky", members, counts)
    owning = _owning(start, members)
    joiner = Member("zz-new", members[0].topics)
    assume(all(m.member_id != joiner.member_id for m in members))
    first, joined = cooperative_rounds([*owning, joiner], counts)
    assert all(to == joiner.member_id for _, _, to in moved_partitions(start, joined))
    assert first[joiner.member_id] == []
    leaver = data.draw(st.sampled_from(members)).member_id
    left = assign("cooperative-sticky", [m for m in owning if m.member_id != leaver], counts)
    assert all(src == leaver for _, src, _ in moved_partitions(start, left))


@given(group=groups(), strategy=st.sampled_from(STRATEGIES))
def test_assignment_ignores_input_order(
    group: tuple[list[Member], dict[str, int]], strategy: str
) -> None:
    """The leader sorts members itself, so the JoinGroup order does not matter."""
    members, counts = group
    assert assign(strategy, members, counts) == assign(strategy, members[::-1], counts)
