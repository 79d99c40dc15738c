"""Workload strategies draw plain, printable messages; consumer fault plans target the
nodes run_consumer creates."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mqsim import FaultPlan
from mqsim.sim import InvalidArgument
from mqsim.testing import Message, consumer_fault_plans, consumer_nodes, messages, workloads


@given(workloads(min_size=2, max_size=6, keys=["k1", None]))
def test_workloads_have_unique_bodies_and_chosen_keys(batch: list[Message]) -> None:
    """Bodies are unique by default; keys come from the given choices."""
    assert 2 <= len(batch) <= 6
    assert len({m.body for m in batch}) == len(batch)
    assert {m.key for m in batch} <= {"k1", None}
    assert all(isinstance(m.body, bytes) and m.body for m in batch)


@given(messages(headers=st.just({"tenant": "t1"}), bodies=st.just(b"x")))
def test_messages_take_custom_strategies(message: Message) -> None:
    """Custom body and header strategies are used as given; the repr is pasteable."""
    assert message.body == b"x"
    assert message.headers == {"tenant": "t1"}
    assert repr(message).startswith("Message(body=b'x'")


@given(consumer_fault_plans("kafka", consumers=2, max_faults=2))
def test_consumer_fault_plans_use_run_consumer_nodes(plan: FaultPlan) -> None:
    """Plans only name the broker and the consumers of a run_consumer world."""
    nodes = set(consumer_nodes("kafka", 2))
    for fault in plan:
        assert {fault.node, *fault.a, *fault.b} - {None} <= nodes


@given(consumer_fault_plans("rabbitmq"))
def test_rabbitmq_plans_do_not_lose_frames(plan: FaultPlan) -> None:
    """An AMQP connection is one TCP stream: RabbitMQ plans have no packet loss."""
    assert all(fault.action != "loss" for fault in plan)


def test_bad_strategy_arguments_fail_early() -> None:
    """Bad arguments name the field."""
    with pytest.raises(InvalidArgument, match="keys"):
        messages(keys=[])
    with pytest.raises(InvalidArgument, match="min_size"):
        workloads(min_size=3, max_size=1)
    with pytest.raises(InvalidArgument, match="system"):
        consumer_nodes("activemq")
