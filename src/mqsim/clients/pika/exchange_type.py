"""pika.exchange_type."""

from __future__ import annotations

from enum import Enum


class ExchangeType(Enum):
    """The built-in exchange types."""

    direct = "direct"
    fanout = "fanout"
    headers = "headers"
    topic = "topic"
