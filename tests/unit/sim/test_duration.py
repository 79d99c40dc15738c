"""Durations: numbers are seconds, strings carry units, bad text names the field."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mqsim import InvalidArgument, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("250ms", 0.25),
        ("2s", 2.0),
        ("1m", 60.0),
        ("1min", 60.0),
        ("1.5h", 5400.0),
        ("10us", 1e-5),
        (" 3 s ", 3.0),
        ("7", 7.0),
        (".5s", 0.5),
        (0, 0.0),
        (1.25, 1.25),
    ],
)
def test_parses_numbers_and_units(text: str | float, seconds: float) -> None:
    """Each accepted spelling gives its value in seconds."""
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "ms", "2 seconds", "-1s", "1e3s", "fast", "1s2", "inf"])
def test_rejects_malformed_text_naming_field_and_text(text: str) -> None:
    """A malformed duration is one clear error naming the field and the text."""
    with pytest.raises(InvalidArgument) as caught:
        parse_duration(text, field="--until")
    assert "--until" in str(caught.value)
    assert repr(text) in str(caught.value) or "finite" in str(caught.value)


@pytest.mark.parametrize("value", [-1, float("inf"), float("nan"), True, None, [1]])
def test_rejects_negative_infinite_and_non_numbers(value: object) -> None:
    """Negative, infinite, boolean and non-number values are refused."""
    with pytest.raises(InvalidArgument, match="duration"):
        parse_duration(value)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=10**6))
def test_milliseconds_are_thousandths(ms: int) -> None:
    """'<n>ms' is always n/1000 seconds."""
    assert parse_duration(f"{ms}ms") == pytest.approx(ms / 1000)
