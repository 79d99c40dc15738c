"""The RabbitMQ model under its stateful machine (:class:`mqsim.testing.machines.AmqpMachine`).

Every invariant is checked after every step; a failure prints the seed and the operation
list, which ``mqsim replay`` runs again.
"""

from __future__ import annotations

from hypothesis.stateful import run_state_machine_as_test
from machine_settings import machine_settings

from mqsim.testing.machines import AmqpMachine


def test_amqp_machine_invariants_hold() -> None:
    """Declare, bind, publish (confirms, mandatory, persistent, priorities, TTL), consume,
    get, ack/nack/reject, qos, channel close, client crash, broker restart, network cuts
    and time: every AMQP invariant holds after every step."""
    run_state_machine_as_test(AmqpMachine, settings=machine_settings())
