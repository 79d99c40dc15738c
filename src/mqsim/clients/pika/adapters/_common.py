"""What both halves of the blocking adapter need: pika's exceptions for the model's
errors, and message properties as pika hands them to the application."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from mqsim.amqp.client import ConnectionLost
from mqsim.amqp.errors import AMQPError as ModelError
from mqsim.amqp.message import Message
from mqsim.amqp.properties import BasicProperties
from mqsim.clients.pika import exceptions
from mqsim.clients.pika.compat import long

Callback = Callable[..., Any]


def translate(error: BaseException) -> BaseException:
    """The pika exception for a model error or a lost connection."""
    if isinstance(error, ModelError):
        if error.hard:
            return exceptions.ConnectionClosedByBroker(error.code, error.text)
        return exceptions.ChannelClosedByBroker(error.code, error.text)
    if isinstance(error, ConnectionLost):
        if error.reason == "heartbeat-timeout":
            return exceptions.AMQPHeartbeatTimeout("No activity or too many missed heartbeats")
        if error.reason == "closed-by-client":
            return exceptions.ChannelWrongStateError("Channel is closed.")
        return exceptions.StreamLostError(
            "Stream connection lost: ConnectionResetError(104, 'Connection reset by peer')"
        )
    return error


def properties_of(msg: Message) -> BasicProperties:
    """A copy of the message's properties (headers deep-copied), as pika decodes them: an
    int header beyond 32 bits (pika sends it as a 64-bit ``l``) comes back as pika's
    :class:`~mqsim.clients.pika.compat.long`."""
    props = msg.properties
    if props.headers:
        return props.replace(headers=_decoded(copy.deepcopy(props.headers)))
    return props.replace()


def _decoded(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool | long):
        return value if -(2**31) <= value < 2**31 else long(value)
    if isinstance(value, dict):
        return {key: _decoded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decoded(item) for item in value]
    return value
