"""Queue and exchange arguments: validation and equivalence, with RabbitMQ's texts."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Mapping
from typing import Any

from mqsim.amqp.errors import AMQPError, precondition

OVERFLOW_MODES = ("drop-head", "reject-publish", "reject-publish-dlx")
QUEUE_TYPES = ("classic", "quorum", "stream")

#: Arguments RabbitMQ compares when a queue is declared again.
EQUIVALENCE_ARGS = (
    "x-expires",
    "x-message-ttl",
    "x-dead-letter-exchange",
    "x-dead-letter-routing-key",
    "x-max-length",
    "x-max-length-bytes",
    "x-max-priority",
    "x-overflow",
    "x-queue-mode",
    "x-queue-type",
    "x-single-active-consumer",
    "x-delivery-limit",
)


def amqp_type(value: Any) -> str:
    """The AMQP field type RabbitMQ reports for a value as pika encodes it."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "signedint" if -(2**31) <= value < 2**31 else "long"
    if isinstance(value, str):
        return "longstr"
    if isinstance(value, bytes | bytearray):
        return "binary"
    if isinstance(value, dict):
        return "table"
    if isinstance(value, list):
        return "array"
    if isinstance(value, decimal.Decimal):
        return "decimal"
    if isinstance(value, datetime.datetime):
        return "timestamp"
    if value is None:
        return "void"
    return "double"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _bad(name: str, queue: str, reason: str) -> AMQPError:
    return precondition(f"invalid arg '{name}' for queue '{queue}' in vhost '/': {reason}")


def _integer(name: str, queue: str, value: Any, *, positive: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(name, queue, f'"expected integer, got {amqp_type(value)}"')
    if value < 0:
        raise _bad(name, queue, f"{{value_negative,{value}}}")
    if positive and value == 0:
        raise _bad(name, queue, "{value_zero,0}")


def validate_queue_arguments(queue: str, args: Mapping[str, Any]) -> None:
    """Raise RabbitMQ's 406 for an invalid ``x-`` argument; unknown ones are accepted."""
    for name, value in args.items():
        if name == "x-expires":
            _integer(name, queue, value, positive=True)
        elif name in ("x-message-ttl", "x-max-length", "x-max-length-bytes", "x-delivery-limit"):
            _integer(name, queue, value)
        elif name == "x-max-priority":
            _integer(name, queue, value)
            if value > 255:
                raise _bad(name, queue, f"{{max_value_exceeded,{value}}}")
        elif name in ("x-dead-letter-exchange", "x-dead-letter-routing-key"):
            if not isinstance(value, str):
                raise precondition(
                    f"invalid type '{amqp_type(value)}' for arg '{name}' in queue '{queue}'"
                    " in vhost '/'"
                )
        elif name == "x-overflow":
            if value not in OVERFLOW_MODES:
                raise _bad(name, queue, "invalid_overflow")
        elif name == "x-single-active-consumer":
            if not isinstance(value, bool):
                raise _bad(name, queue, f"{{unacceptable_type,{amqp_type(value)}}}")
        elif name == "x-queue-type" and value not in QUEUE_TYPES:
            raise _bad(name, queue, f"\"unsupported queue type '{value}'\"")


def queue_equivalence_error(
    queue: str,
    current: tuple[bool, bool, Mapping[str, Any]],
    received: tuple[bool, bool, Mapping[str, Any]],
) -> AMQPError | None:
    """The 406 for redeclaring ``queue`` with other (durable, auto_delete, arguments)."""
    where = f"for queue '{queue}' in vhost '/'"
    for label, now, new in (
        ("durable", current[0], received[0]),
        ("auto_delete", current[1], received[1]),
    ):
        if now != new:
            return precondition(
                f"inequivalent arg '{label}' {where}: received '{_show(new)}' but current is "
                f"'{_show(now)}'"
            )
    cur_args, new_args = current[2], received[2]
    for name in EQUIVALENCE_ARGS:
        was = cur_args.get(name)
        got = new_args.get(name)
        if name == "x-queue-type":
            was = was if was is not None else "classic"
            got = got if got is not None else "classic"
        if was == got and type(was) is type(got):
            continue
        if got is None:
            return precondition(
                f"inequivalent arg '{name}' {where}: received none but current is the value "
                f"'{_show(was)}' of type '{amqp_type(was)}'"
            )
        if was is None:
            return precondition(
                f"inequivalent arg '{name}' {where}: received the value '{_show(got)}' of type "
                f"'{amqp_type(got)}' but current is none"
            )
        return precondition(
            f"inequivalent arg '{name}' {where}: received '{_show(got)}' but current is "
            f"'{_show(was)}'"
        )
    return None


def exchange_equivalence_error(
    exchange: str,
    current: tuple[str, bool, bool, bool, Mapping[str, Any]],
    received: tuple[str, bool, bool, bool, Mapping[str, Any]],
) -> AMQPError | None:
    """The 406 for redeclaring ``exchange`` with another type, flags or arguments."""
    where = f"for exchange '{exchange}' in vhost '/'"
    labels = ("type", "durable", "auto_delete", "internal")
    for label, now, new in zip(labels, current[:4], received[:4], strict=True):
        if now != new:
            return precondition(
                f"inequivalent arg '{label}' {where}: received '{_show(new)}' but current is "
                f"'{_show(now)}'"
            )
    old_ae = current[4].get("alternate-exchange")
    new_ae = received[4].get("alternate-exchange")
    if old_ae != new_ae:
        if new_ae is None:
            return precondition(
                f"inequivalent arg 'alternate-exchange' {where}: received none but current is "
                f"the value '{_show(old_ae)}' of type '{amqp_type(old_ae)}'"
            )
        if old_ae is None:
            return precondition(
                f"inequivalent arg 'alternate-exchange' {where}: received the value "
                f"'{_show(new_ae)}' of type '{amqp_type(new_ae)}' but current is none"
            )
        return precondition(
            f"inequivalent arg 'alternate-exchange' {where}: received '{_show(new_ae)}' but "
            f"current is '{_show(old_ae)}'"
        )
    return None
