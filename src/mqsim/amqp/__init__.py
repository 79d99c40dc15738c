"""The AMQP 0-9-1 broker model (RabbitMQ 3.10 as clients observe it).

:class:`Broker` is a node of a :class:`~mqsim.sim.World`; :class:`ClientConnection`
is the client side of the protocol that facades (``mqsim.pika``) build on.
"""

from mqsim.amqp import codes
from mqsim.amqp.broker import Broker, BrokerStatistics
from mqsim.amqp.channel import Channel, ChannelStatistics
from mqsim.amqp.client import ClientChannel, ClientConnection, ConnectionLost, Delivery
from mqsim.amqp.connection import Connection, ConnectionStatistics
from mqsim.amqp.consumer import Consumer, ConsumerStatistics
from mqsim.amqp.errors import AMQPError
from mqsim.amqp.exchange import Binding, Exchange, ExchangeStatistics
from mqsim.amqp.matching import headers_match, topic_matches
from mqsim.amqp.message import Entry, Message
from mqsim.amqp.properties import BasicProperties
from mqsim.amqp.queue import Queue, QueueStatistics

__all__ = [
    "AMQPError",
    "BasicProperties",
    "Binding",
    "Broker",
    "BrokerStatistics",
    "Channel",
    "ChannelStatistics",
    "ClientChannel",
    "ClientConnection",
    "Connection",
    "ConnectionLost",
    "ConnectionStatistics",
    "Consumer",
    "ConsumerStatistics",
    "Delivery",
    "Entry",
    "Exchange",
    "ExchangeStatistics",
    "Message",
    "Queue",
    "QueueStatistics",
    "codes",
    "headers_match",
    "topic_matches",
]
