"""Topic and headers matching: pure functions checked against RabbitMQ's rules."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from mqsim.amqp.matching import headers_match, topic_matches, x_match_error


def reference_topic(pattern: str, key: str) -> bool:
    """A tiny reference: words via split, recursion over the pattern."""
    pat = pattern.split(".") if pattern else []
    words = key.split(".") if key else []

    def match(i: int, j: int) -> bool:
        if i == len(pat):
            return j == len(words)
        if pat[i] == "#":
            return any(match(i + 1, k) for k in range(j, len(words) + 1))
        if j == len(words):
            return False
        return (pat[i] == "*" or pat[i] == words[j]) and match(i + 1, j + 1)

    return match(0, 0)


WORD = st.sampled_from(["", "a", "b", "ab"])
KEY = st.lists(WORD, max_size=5).map(".".join)
PATTERN = st.lists(st.sampled_from(["", "a", "b", "*", "#"]), max_size=5).map(".".join)


@given(PATTERN, KEY)
def test_topic_matches_reference(pattern: str, key: str) -> None:
    """The DP matcher agrees with the recursive reference on every pattern and key."""
    assert topic_matches(pattern, key) == reference_topic(pattern, key)


def test_topic_edge_cases_from_the_oracle() -> None:
    """Empty words count; '*' needs one word; '#' may match none (FINDINGS.md)."""
    assert topic_matches("*.*", ".")
    assert topic_matches("*.*", "a.")
    assert topic_matches("a.*.b", "a..b")
    assert not topic_matches("*", "")
    assert not topic_matches("*.#", "")
    assert not topic_matches("#.*", "")
    assert topic_matches("#", "")
    assert topic_matches("#.#", "")
    assert topic_matches("", "")
    assert topic_matches("a.#.b", "a.b")
    assert topic_matches("#.a.#", "x.a.y")
    assert not topic_matches("a.*", "a.b.c")


def test_regex_style_matcher_would_be_caught() -> None:
    """A naive regex translation ('*' -> '.*') lets 'a.*' match 'a.b.c'; ours does not."""
    naive = re.fullmatch("a\\..*", "a.b.c") is not None
    assert naive
    assert not topic_matches("a.*", "a.b.c")


def test_headers_modes() -> None:
    """all (default), any, x- arguments ignored, with-x variants, type-sensitive values."""
    headers = {"format": "pdf", "type": "report", "x-tag": "t1"}
    assert headers_match({"format": "pdf", "type": "report"}, headers)
    assert not headers_match({"format": "pdf", "type": "log"}, headers)
    assert headers_match({"x-match": "any", "format": "zip", "type": "report"}, headers)
    assert headers_match({"x-match": "all", "x-tag": "nope"}, {})
    assert not headers_match({"x-match": "any"}, headers)
    assert not headers_match({"x-match": "all-with-x", "x-tag": "nope"}, headers)
    assert headers_match({"x-match": "any-with-x", "x-tag": "t1"}, headers)
    assert not headers_match({"n": 1}, {"n": "1"})
    assert not headers_match({"flag": True}, {"flag": 1})


def test_bogus_x_match_text() -> None:
    """RabbitMQ's exact complaint about an unknown x-match value."""
    assert x_match_error({"x-match": "bogus"}) == (
        'Invalid x-match field value <<"bogus">>; expected all, any, all-with-x, or any-with-x'
    )
    assert x_match_error({"x-match": "any"}) is None
