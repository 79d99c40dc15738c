"""Topic names: what a Kafka broker accepts, and the INVALID_TOPIC_EXCEPTION texts it gives.

The cases are the oracle's (../shared/oracle/kafka/cases/errors.json): the names it tried
on the mock cluster, which accepts them all, and its note on what a real broker does
("legal chars [a-zA-Z0-9._-], max length 249, '.' and '..' illegal").
"""

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mqsim.kafka.names import (
    COLLISION_WARNING,
    MAX_NAME_LENGTH,
    collides,
    collision_error,
    has_collision_chars,
    is_internal,
    is_valid_topic_name,
    topic_exists_error,
    validate_topic_name,
)

CASES = Path(__file__).resolve().parents[3].parent / "shared" / "oracle" / "kafka" / "cases"
ORACLE: dict[str, Any] = json.loads((CASES / "errors.json").read_text())
TRIED = ORACLE["results"]["invalid_topic_names"]


def _topic(recorded: str) -> str:
    """The oracle writes its long names as 't x250' (250 times 't')."""
    if recorded.startswith("t x"):
        return "t" * int(recorded[3:])
    return recorded


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (
            "illegal_chars",
            'Topic name "bad topic!" is illegal, it contains a character other than '
            "ASCII alphanumerics, '.', '_' and '-'",
        ),
        ("dot", 'Topic name cannot be "." or ".."'),
        ("dotdot", 'Topic name cannot be "." or ".."'),
        (
            "len_250",
            "Topic name is illegal, it can't be longer than 249 characters, Topic name: "
            + "t" * 250,
        ),
        ("len_249", None),
        (
            "slash",
            'Topic name "a/b" is illegal, it contains a character other than '
            "ASCII alphanumerics, '.', '_' and '-'",
        ),
        ("empty", "Topic name is illegal, it can't be empty"),
    ],
)
def test_oracle_names_get_the_real_brokers_answer(case: str, message: str | None) -> None:
    """Each name the oracle tried gets a real broker's verdict (the mock accepted all)."""
    name = _topic(TRIED[case]["topic"])
    assert validate_topic_name(name) == message
    assert is_valid_topic_name(name) is (message is None)
    assert TRIED[case]["produce"]["produce_call"] == "ok"  # the mock did not check


def test_reference_rule_as_recorded() -> None:
    """The oracle's note on real brokers is the rule implemented here."""
    note = ORACLE["real_kafka_reference_not_observed_here"]["invalid_topic_name"]
    assert "[a-zA-Z0-9._-]" in note
    assert "max length 249" in note
    assert MAX_NAME_LENGTH == 249


@pytest.mark.parametrize("name", ["payments", "a", "A-b_c.9", "__consumer_offsets", "...", "-"])
def test_legal_names(name: str) -> None:
    """ASCII letters, digits, '.', '_' and '-' in any arrangement but '.'/'..' are legal."""
    assert validate_topic_name(name) is None


@pytest.mark.parametrize("name", ["café", "a b", "tab\t", "ü", "a:b", "a*"])
def test_non_ascii_and_punctuation_are_illegal(name: str) -> None:
    """Anything outside [a-zA-Z0-9._-] is refused, naming the topic."""
    message = validate_topic_name(name)
    assert message is not None
    assert f'"{name}"' in message


def test_length_counts_java_chars() -> None:
    """Length is counted as Java does: an emoji is two chars (and illegal anyway)."""
    assert validate_topic_name("a" * 249) is None
    assert "longer than 249" in str(validate_topic_name("a" * 248 + "\U0001f600"))
    assert "character other than" in str(validate_topic_name("a" * 247 + "\U0001f600"))


def test_collisions() -> None:
    """'.' and '_' collide in metric names; a broker refuses a colliding second topic."""
    assert has_collision_chars("a.b")
    assert has_collision_chars("a_b")
    assert not has_collision_chars("a-b")
    assert collides("a.b_c", "a_b.c")
    assert not collides("a.b", "a-b")
    assert collision_error("a.b", ["a_b", "x", "a.b"]) == (
        "Topic 'a.b' collides with existing topics: a_b"
    )
    assert collision_error("a.b", ["a.b", "a-b"]) is None
    assert collision_error("x.y_z", ["x_y_z", "x.y.z", "x_y.z", "x.y_z"]) == (
        "Topic 'x.y_z' collides with existing topics: x.y.z, x_y.z, x_y_z"
    )
    assert "either, but not both" in COLLISION_WARNING
    assert topic_exists_error("t") == "Topic 't' already exists."
    assert is_internal("__consumer_offsets")
    assert not is_internal("orders")


@given(st.text(max_size=300))
def test_validity_matches_the_rule(name: str) -> None:
    """A name is valid exactly when the stated rule says so."""
    legal = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
    expected = 1 <= len(name) <= 249 and set(name) <= legal and name not in (".", "..")
    assert is_valid_topic_name(name) is expected
