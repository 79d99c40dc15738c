"""Durations as mqsim reads them: seconds as numbers, or text like ``"250ms"`` or ``"1m"``."""

from __future__ import annotations

import math
import re

from mqsim.sim.errors import InvalidArgument

Duration = float | int | str

_UNITS = {
    "us": 1e-6,
    "µs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "min": 60.0,
    "h": 3600.0,
}
_PATTERN = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(us|µs|ms|s|min|m|h)?\s*$")


def parse_duration(value: Duration, *, field: str = "duration") -> float:
    """Return ``value`` in seconds.

    Numbers are seconds; strings carry a unit (``us``, ``ms``, ``s``, ``m``/``min``, ``h``),
    and a bare number in a string is seconds. Negative, infinite or malformed values raise
    :class:`InvalidArgument` naming ``field`` and the text.
    """
    if isinstance(value, bool):
        raise InvalidArgument(f"{field}: expected a duration, got {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        match = _PATTERN.match(value)
        if match is None:
            raise InvalidArgument(
                f"{field}: cannot read {value!r} as a duration; write e.g. '250ms', '2s', '1m'"
            )
        number, unit = match.groups()
        seconds = float(number) * _UNITS[unit or "s"]
    else:
        raise InvalidArgument(f"{field}: expected a duration, got {type(value).__name__}")
    if not math.isfinite(seconds) or seconds < 0:
        raise InvalidArgument(f"{field}: a duration must be finite and >= 0, got {value!r}")
    return seconds
