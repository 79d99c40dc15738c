"""pika.delivery_mode."""

from __future__ import annotations

from enum import Enum


class DeliveryMode(Enum):
    """AMQP delivery modes."""

    Transient = 1
    Persistent = 2
