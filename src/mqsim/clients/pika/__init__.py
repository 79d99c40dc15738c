"""A pika-compatible facade over the simulated RabbitMQ broker (``from mqsim import pika``).

Same module layout, names, signatures and defaults as pika 1.x; blocking calls advance
simulated time of the default world (:mod:`mqsim.clients.default`).
"""

from mqsim.amqp.properties import BasicProperties
from mqsim.clients.pika import (
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
from mqsim.clients.pika.adapters.blocking_connection import BlockingConnection
from mqsim.clients.pika.connection import ConnectionParameters, URLParameters
from mqsim.clients.pika.credentials import PlainCredentials
from mqsim.clients.pika.delivery_mode import DeliveryMode

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
