"""``from mqsim import pika``: the pika-compatible facade (see :mod:`mqsim.clients.pika`)."""

from mqsim.clients.pika import (
    BasicProperties,
    BlockingConnection,
    ConnectionParameters,
    DeliveryMode,
    PlainCredentials,
    URLParameters,
    adapters,
    compat,
    connection,
    credentials,
    delivery_mode,
    exceptions,
    exchange_type,
    frame,
    spec,
)

__all__ = [
    "BasicProperties",
    "BlockingConnection",
    "ConnectionParameters",
    "DeliveryMode",
    "PlainCredentials",
    "URLParameters",
    "adapters",
    "compat",
    "connection",
    "credentials",
    "delivery_mode",
    "exceptions",
    "exchange_type",
    "frame",
    "spec",
]
