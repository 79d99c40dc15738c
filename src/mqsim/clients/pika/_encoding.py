"""What pika refuses to encode before anything reaches the broker."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Mapping
from typing import Any

from mqsim.clients.pika.exceptions import ShortStringTooLong, UnsupportedAMQPFieldException


def shortstr(value: str | None) -> None:
    """pika: names and keys are AMQP short strings, at most 255 UTF-8 bytes."""
    if value is None:
        return
    raw = value.encode("utf-8")
    if len(raw) > 255:
        raise ShortStringTooLong(raw)


def table(values: Mapping[str, Any] | None) -> None:
    """pika can encode str, bytes, bool, int (64-bit), Decimal, datetime, dict, list, None."""
    if not values:
        return
    for key, value in values.items():
        shortstr(key)
        _value(values, value)


def _value(where: Any, value: Any) -> None:
    if value is None or isinstance(value, str | bytes | bool | decimal.Decimal | datetime.datetime):
        return
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise UnsupportedAMQPFieldException(where, value)
        return
    if isinstance(value, dict):
        table(value)
        return
    if isinstance(value, list | tuple):
        for item in value:
            _value(where, item)
        return
    raise UnsupportedAMQPFieldException(where, value)
