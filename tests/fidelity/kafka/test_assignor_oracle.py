"""Every shape and join/leave step of the librdkafka assignor oracles, by member.

The oracles (../shared/oracle/kafka/cases/assignor_*.json) were recorded with
confluent-kafka 2.16.1 on librdkafka's mock cluster: 9 static shapes and 2 join/leave
sequences per strategy, each step with every member's id, subscription and settled
assignment, the partitions that moved, and the on_assign/on_revoke callbacks. mqsim is
given the recorded member ids (so the same ranks) and, on a membership change, each
member's previous assignment as what it owns.

HOWTO.md calls cooperative-sticky's mixed-subscription shape "not comparable" because
its member order differed between runs; with the recorded member ids it is
deterministic, and it matches too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mqsim.kafka.assignors import (
    Member,
    TopicPartition,
    assign,
    cooperative_revocations,
    cooperative_rounds,
    moved_partitions,
)

CASES = Path(__file__).resolve().parents[3].parent / "shared" / "oracle" / "kafka" / "cases"
FILES = ("assignor_range.json", "assignor_roundrobin.json", "assignor_cooperative_sticky.json")


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CASES / name).read_text())
    return data


def _tps(items: list[list[Any]]) -> list[TopicPartition]:
    return [(str(t), int(p)) for t, p in items]


def _steps() -> list[Any]:
    """(strategy, scenario, step index) for every recorded step."""
    params = []
    for name in FILES:
        data = _load(name)
        for scenario in data["scenarios"]:
            for index, step in enumerate(scenario["steps"]):
                params.append(
                    pytest.param(
                        name,
                        scenario["scenario"],
                        index,
                        id=f"{data['strategy']}-{scenario['scenario']}-{step['step']}",
                    )
                )
    return params


def _scenario(name: str, scenario_name: str) -> tuple[str, dict[str, Any]]:
    data = _load(name)
    scenario = next(s for s in data["scenarios"] if s["scenario"] == scenario_name)
    return data["strategy"], scenario


def _members(step: dict[str, Any], previous: dict[str, list[TopicPartition]]) -> list[Member]:
    """The step's members, each owning what it had after the previous step."""
    return [
        Member(
            m["member_id"],
            tuple(m["subscription"]),
            tuple(previous.get(client, ())),
            m["group_instance_id"],
            1 if client in previous else -1,
        )
        for client, m in step["members"].items()
    ]


def _by_client(step: dict[str, Any], result: dict[str, list[TopicPartition]]) -> dict[str, Any]:
    return {client: result[m["member_id"]] for client, m in step["members"].items()}


def test_oracle_files_hold_what_they_claim() -> None:
    """Three strategies, 11 scenarios each, and 5 membership changes per strategy."""
    for name in FILES:
        data = _load(name)
        assert len(data["scenarios"]) == 11
        changes = [st for sc in data["scenarios"] for st in sc["steps"] if st["step"] != "initial"]
        assert len(changes) == 5
    assert len(_steps()) == 48


@pytest.mark.parametrize(("name", "scenario_name", "index"), _steps())
def test_step_assignment_matches(name: str, scenario_name: str, index: int) -> None:
    """The settled assignment of every member, and so of every rank, is librdkafka's."""
    strategy, scenario = _scenario(name, scenario_name)
    steps = scenario["steps"]
    previous = (
        {c: _tps(m["assignment"]) for c, m in steps[index - 1]["members"].items()} if index else {}
    )
    step = steps[index]
    members = _members(step, previous)
    if strategy == "cooperative-sticky" and index:
        _, result = cooperative_rounds(members, scenario["topics"])
        assert result == assign(strategy, members, scenario["topics"])
    else:
        result = assign(strategy, members, scenario["topics"])
    expected = {c: _tps(m["assignment"]) for c, m in step["members"].items()}
    assert _by_client(step, result) == expected
    ranked = sorted(step["members"].values(), key=lambda m: m["rank"])
    assert [result[m["member_id"]] for m in ranked] == [_tps(a) for a in step["assignment_by_rank"]]
    if index:
        moved = moved_partitions(previous, expected)
        recorded = [
            ((str(m["partition"][0]), int(m["partition"][1])), m["from"], m["to"])
            for m in step["moved"]
        ]
        assert moved == sorted(recorded)


@pytest.mark.parametrize(
    ("name", "moved"),
    [
        ("assignor_range.json", 3),
        ("assignor_roundrobin.json", 4),
        ("assignor_cooperative_sticky.json", 2),
    ],
)
def test_join_moves_only_what_the_strategy_must(name: str, moved: int) -> None:
    """Growing 2 -> 3 members on 6 partitions moves 3 (range), 4 (roundrobin), 2 (sticky)."""
    strategy, scenario = _scenario(name, "join_leave_1t6")
    initial, joined = scenario["steps"][0], scenario["steps"][1]
    before = {c: _tps(m["assignment"]) for c, m in initial["members"].items()}
    members = _members(joined, before)
    after = _by_client(joined, assign(strategy, members, scenario["topics"]))
    assert len(moved_partitions(before, after)) == moved == len(joined["moved"])


def _callbacks(callbacks: list[dict[str, Any]], kind: str) -> dict[str, list[TopicPartition]]:
    """Each member's partitions over all its ``kind`` callbacks."""
    result: dict[str, list[TopicPartition]] = {}
    for cb in callbacks:
        if cb["cb"] == kind:
            result.setdefault(cb["member"], []).extend(_tps(cb["partitions"]))
    return {member: sorted(tps) for member, tps in result.items() if tps}


def _without_closing_revokes(
    callbacks: list[dict[str, Any]], final: dict[str, list[TopicPartition]]
) -> list[dict[str, Any]]:
    """Drop each member's last revoke when it gives up its whole final assignment.

    After the last step the recorder closes the consumers, which revokes everything.
    """
    kept = list(callbacks)
    for client, tps in final.items():
        for i in range(len(kept) - 1, -1, -1):
            cb = kept[i]
            if cb["member"] == client and cb["cb"] == "revoke":
                if tps and sorted(_tps(cb["partitions"])) == tps:
                    del kept[i]
                break
    return kept


def _change_indexes(name: str) -> list[Any]:
    data = _load(name)
    return [
        pytest.param(sc["scenario"], i, id=f"{sc['scenario']}-{st['step']}")
        for sc in data["scenarios"]
        for i, st in enumerate(sc["steps"])
        if i
    ]


@pytest.mark.parametrize(("scenario_name", "index"), _change_indexes(FILES[2]))
def test_cooperative_callbacks_carry_only_moved_partitions(scenario_name: str, index: int) -> None:
    """Cooperative rebalancing: on_revoke gives up exactly the revocations, on_assign gets
    exactly the newly owned partitions; a leaving member revokes all it had."""
    strategy, scenario = _scenario(FILES[2], scenario_name)
    prev_step, step = scenario["steps"][index - 1], scenario["steps"][index]
    previous = {c: _tps(m["assignment"]) for c, m in prev_step["members"].items()}
    members = _members(step, previous)
    target = assign(strategy, members, scenario["topics"])
    revoked = _by_client(step, cooperative_revocations(members, target))
    client_of = {m["member_id"]: c for c, m in step["members"].items()}
    gained = {
        client_of[member_id]: sorted(set(tps) - set(previous.get(client_of[member_id], ())))
        for member_id, tps in target.items()
    }
    leavers = {c: sorted(tps) for c, tps in previous.items() if c not in step["members"]}
    callbacks = step["callbacks"]
    if index == len(scenario["steps"]) - 1:
        callbacks = _without_closing_revokes(callbacks, _by_client(step, target))
    assert _callbacks(callbacks, "revoke") == {
        c: tps for c, tps in {**revoked, **leavers}.items() if tps
    }
    assert _callbacks(callbacks, "assign") == {c: tps for c, tps in gained.items() if tps}
