"""The error codes and texts confluent-kafka reported in the errors oracle are mqsim's.

../shared/oracle/kafka/cases/errors.json records what confluent-kafka 2.16.1 raised or
reported (name, code, str, fatal, retriable) for invalid topic names, unknown topics,
too-large messages and more, on librdkafka's mock cluster.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mqsim.kafka.codes import by_code, by_name

CASES = Path(__file__).resolve().parents[3].parent / "shared" / "oracle" / "kafka" / "cases"
ORACLE: dict[str, Any] = json.loads((CASES / "errors.json").read_text())

# Texts librdkafka wrote itself instead of rd_kafka_err2str's (an errstr of its own).
OWN_TEXTS = {
    "Topic Admin API (KIP-4) not supported by broker, requires broker version >= 0.10.2.0",
}


def _errors(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every recorded error object (a dict with name and code) with where it was."""
    if isinstance(node, dict):
        if "name" in node and "code" in node:
            yield path, node
        for key, value in node.items():
            yield from _errors(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _errors(value, f"{path}[{i}]")


RECORDED = list(_errors(ORACLE["results"]))


def test_oracle_records_errors() -> None:
    """The oracle holds the errors this test replays."""
    assert {e["name"] for _, e in RECORDED} == {
        "_INVALID_ARG",
        "_MSG_TIMED_OUT",
        "UNKNOWN_TOPIC_OR_PART",
        "MSG_SIZE_TOO_LARGE",
        "_UNSUPPORTED_FEATURE",
    }


@pytest.mark.parametrize(("path", "error"), RECORDED, ids=[p for p, _ in RECORDED])
def test_recorded_error_matches_the_table(path: str, error: dict[str, Any]) -> None:
    """Name and number agree, and the text is librdkafka's description (after a prefix)."""
    entry = by_name(error["name"])
    assert entry.code == error["code"]
    assert by_code(error["code"]) is entry
    text = error["str"]
    assert (
        text == entry.description or text.endswith(": " + entry.description) or (text in OWN_TEXTS)
    ), path
    assert entry.fatal is error["fatal"] is False


def test_callback_errors_are_never_flagged_retriable() -> None:
    """KafkaError.retriable() is False for produce/poll/delivery errors, even for codes
    the protocol retries (UNKNOWN_TOPIC_OR_PART): the table's flag is the protocol's."""
    assert all(e["retriable"] is False for _, e in RECORDED)
    assert by_name("UNKNOWN_TOPIC_OR_PART").retriable


def test_real_broker_reference_codes() -> None:
    """The real-broker notes name codes the table has: invalid topic 17, unknown topic 3."""
    notes = ORACLE["real_kafka_reference_not_observed_here"]
    assert "INVALID_TOPIC_EXCEPTION (17)" in notes["invalid_topic_name"]
    assert by_name("INVALID_TOPIC_EXCEPTION").code == 17
    assert "UNKNOWN_TOPIC_OR_PART (3)" in notes["unknown_topic_autocreate_off"]
    assert by_name("UNKNOWN_TOPIC_OR_PART").code == 3
    assert "MSG_SIZE_TOO_LARGE (10)" in notes["message_too_large_broker_side"]
    assert by_name("MSG_SIZE_TOO_LARGE").code == 10
    assert "_MSG_TIMED_OUT" in notes["unknown_topic_autocreate_off"]
    assert by_name("_MSG_TIMED_OUT").code == -192
