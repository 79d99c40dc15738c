"""mqsim.pika's methods have the real pika's parameter names and defaults."""

from __future__ import annotations

import inspect
from typing import Any

import pika as real
import pytest
from pika.adapters import blocking_connection as real_blocking

from mqsim import pika as sim
from mqsim.clients.pika.adapters import blocking_connection as sim_blocking

CHANNEL_METHODS = [
    "basic_ack",
    "basic_cancel",
    "basic_consume",
    "basic_get",
    "basic_nack",
    "basic_publish",
    "basic_qos",
    "basic_recover",
    "basic_reject",
    "cancel",
    "close",
    "confirm_delivery",
    "consume",
    "exchange_bind",
    "exchange_declare",
    "exchange_delete",
    "exchange_unbind",
    "queue_bind",
    "queue_declare",
    "queue_delete",
    "queue_purge",
    "queue_unbind",
    "start_consuming",
    "stop_consuming",
    "tx_commit",
    "tx_rollback",
    "tx_select",
    "add_on_return_callback",
    "add_on_cancel_callback",
    "get_waiting_message_count",
]
CONNECTION_METHODS = [
    "__init__",
    "channel",
    "close",
    "process_data_events",
    "sleep",
    "call_later",
    "remove_timeout",
    "add_callback_threadsafe",
]
CLASSES = [
    (real.ConnectionParameters.__init__, sim.ConnectionParameters.__init__),
    (real.URLParameters.__init__, sim.URLParameters.__init__),
    (real.PlainCredentials.__init__, sim.PlainCredentials.__init__),
    (real.BasicProperties.__init__, sim.BasicProperties.__init__),
    (real.spec.Basic.Deliver.__init__, sim.spec.Basic.Deliver.__init__),
    (real.spec.Basic.GetOk.__init__, sim.spec.Basic.GetOk.__init__),
    (real.spec.Basic.Return.__init__, sim.spec.Basic.Return.__init__),
    (real.spec.Queue.DeclareOk.__init__, sim.spec.Queue.DeclareOk.__init__),
]


def _shape(fn: Any) -> list[tuple[str, str, Any]]:
    shape = []
    for p in inspect.signature(fn).parameters.values():
        default = p.default
        if isinstance(default, type) and default.__name__ == "_DEFAULT":
            default = "<pika default>"
        default = getattr(default, "value", default)
        shape.append((p.name, p.kind.name, default))
    return shape


@pytest.mark.parametrize("name", CHANNEL_METHODS)
def test_blocking_channel_signature(name: str) -> None:
    """BlockingChannel.<name> takes the same parameters with the same defaults."""
    want = _shape(getattr(real_blocking.BlockingChannel, name))
    assert _shape(getattr(sim_blocking.BlockingChannel, name)) == want


@pytest.mark.parametrize("name", CONNECTION_METHODS)
def test_blocking_connection_signature(name: str) -> None:
    """BlockingConnection.<name> takes the same parameters with the same defaults."""
    want = _shape(getattr(real_blocking.BlockingConnection, name))
    assert _shape(getattr(sim_blocking.BlockingConnection, name)) == want


@pytest.mark.parametrize(("real_fn", "sim_fn"), CLASSES, ids=lambda f: f.__qualname__)
def test_constructor_signature(real_fn: Any, sim_fn: Any) -> None:
    """Constructors of parameters, credentials, properties and spec methods match."""
    assert _shape(sim_fn) == _shape(real_fn)


def test_exception_hierarchy_matches() -> None:
    """Every pika exception exists with the same base classes (by name)."""
    for name, cls in vars(real.exceptions).items():
        if (
            isinstance(cls, type)
            and issubclass(cls, Exception)
            and cls.__module__ == "pika.exceptions"
        ):
            mine = getattr(sim.exceptions, name)
            assert [b.__name__ for b in mine.__mro__] == [b.__name__ for b in cls.__mro__]


def test_enums_match() -> None:
    """ExchangeType and DeliveryMode members and values match."""
    assert [(m.name, m.value) for m in sim.exchange_type.ExchangeType] == [
        (m.name, m.value) for m in real.exchange_type.ExchangeType
    ]
    assert [(m.name, m.value) for m in sim.DeliveryMode] == [
        (m.name, m.value) for m in real.DeliveryMode
    ]


def test_exception_reprs_match() -> None:
    """Reprs (what the oracle recorded as error text) are pika's."""
    pairs = [
        (real.exceptions.DuplicateConsumerTag("T"), sim.exceptions.DuplicateConsumerTag("T")),
        (
            real.exceptions.ChannelClosedByBroker(404, "x"),
            sim.exceptions.ChannelClosedByBroker(404, "x"),
        ),
        (
            real.exceptions.ShortStringTooLong(b"q" * 300),
            sim.exceptions.ShortStringTooLong(b"q" * 300),
        ),
    ]
    for theirs, ours in pairs:
        assert repr(ours) == repr(theirs)
        assert str(ours) == str(theirs)
