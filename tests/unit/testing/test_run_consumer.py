"""run_consumer: a handler against a simulated broker, under faults; the README example."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from mqsim import Fault, FaultPlan
from mqsim.sim import InvalidArgument
from mqsim.testing import (
    Delivery,
    Message,
    consumer_fault_plans,
    run_consumer,
    workloads,
)

MESSAGES = [Message(f"pay-{i}".encode(), key="acct-1", headers={"n": str(i)}) for i in range(6)]


@pytest.mark.parametrize("system", ["rabbitmq", "kafka"])
def test_every_message_is_handled_once_without_faults(system: str) -> None:
    """Without faults each message reaches the handler once, with its key and headers."""
    seen: list[Delivery] = []
    outcome = run_consumer(seen.append, MESSAGES, system=system)
    assert [d.body for d in seen] == [m.body for m in MESSAGES]
    assert {d.key for d in seen} == {"acct-1"}
    assert [d.headers["n"] for d in seen] == [str(i) for i in range(6)]
    assert not outcome.lost
    assert not outcome.duplicates
    assert outcome.processed == dict.fromkeys(range(6), 1)


@pytest.mark.parametrize(
    ("system", "broker"), [("rabbitmq", "localhost:5672"), ("kafka", "localhost:9092")]
)
def test_a_consumer_crash_mid_message_redelivers_it(system: str, broker: str) -> None:
    """A crash between handling and acknowledging hands the message over again."""
    plan = FaultPlan((Fault(0.15, "crash", "consumer-1"), Fault(1.0, "restart", "consumer-1")))
    outcome = run_consumer(lambda d: None, MESSAGES, plan, system=system)
    assert not outcome.lost
    assert [m.body for m in outcome.duplicates] == [b"pay-1"]
    assert outcome.redelivered == 1
    assert "1 processed more than once" in outcome.summary()


def test_a_failing_handler_is_retried_until_it_succeeds() -> None:
    """A handler that raises gets the message again (nack with requeue)."""
    failures = {b"pay-2": 2}

    def flaky(delivery: Delivery) -> None:
        if failures.get(delivery.body, 0):
            failures[delivery.body] -= 1
            raise ValueError("database busy")

    outcome = run_consumer(flaky, MESSAGES, system="rabbitmq")
    errors = [c for c in outcome.calls if not c.ok]
    assert [c.error for c in errors] == ["ValueError: database busy"] * 2
    assert outcome.processed[2] == 1
    assert not outcome.lost
    assert [c.redelivered for c in outcome.calls if c.index == 2] == [False, True, True]


def test_run_consumer_checks_its_arguments() -> None:
    """Bad arguments name the field."""
    with pytest.raises(InvalidArgument, match="system"):
        run_consumer(print, [b"x"], system="nats")
    with pytest.raises(InvalidArgument, match="prefetch"):
        run_consumer(print, [b"x"], prefetch=0)
    with pytest.raises(InvalidArgument, match=r"messages\[1\]"):
        run_consumer(print, [b"x", 3])  # type: ignore[list-item]


# -- the README example ------------------------------------------------------------------


def make_handler(ledger: dict[bytes, int]):
    def handle(delivery):
        # idempotent: a payment applied twice is applied once
        ledger.setdefault(delivery.body, len(delivery.body))

    return handle


@settings(max_examples=25, deadline=None)
@given(messages=workloads(max_size=8), faults=consumer_fault_plans("rabbitmq"))
def test_payments_are_applied_once(messages, faults):
    ledger: dict[bytes, int] = {}
    outcome = run_consumer(make_handler(ledger), messages, faults, system="rabbitmq")
    assert not outcome.lost, outcome.summary()
    assert ledger == {m.body: len(m.body) for m in messages}


def test_the_readme_example_catches_a_handler_that_is_not_idempotent() -> None:
    """Adding instead of setting: hypothesis finds a crash that applies a payment twice."""

    def make_adding_handler(ledger: dict[bytes, int]):
        def handle(delivery: Delivery) -> None:
            ledger[delivery.body] = ledger.get(delivery.body, 0) + len(delivery.body)

        return handle

    @settings(
        max_examples=50,
        deadline=None,
        derandomize=True,
        database=None,
        report_multiple_bugs=False,
    )
    @given(messages=workloads(max_size=8), faults=consumer_fault_plans("rabbitmq"))
    def adding(messages: list[Message], faults: FaultPlan) -> None:
        ledger: dict[bytes, int] = {}
        run_consumer(make_adding_handler(ledger), messages, faults, system="rabbitmq")
        assert ledger == {m.body: len(m.body) for m in messages}, "a payment applied twice"

    with pytest.raises(AssertionError, match="a payment applied twice"):
        adding()
