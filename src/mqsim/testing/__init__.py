"""Testing helpers for users of mqsim: strategies, a consumer harness, stateful machines.

- Strategies (need hypothesis: ``pip install 'mqsim[testing]'``): :func:`messages` and
  :func:`workloads` draw messages with keys, bodies and headers; :func:`fault_plans` and
  :func:`consumer_fault_plans` draw crash/restart, partition, slowness, loss and latency
  plans.
- :func:`run_consumer` runs an application's handler against a simulated RabbitMQ queue or
  Kafka topic under a fault plan and returns an :class:`Outcome` (what was processed, how
  often, what was lost), so a property test can check that a handler is idempotent
  under redelivery.
- :class:`KafkaMachine` and :class:`AmqpMachine` are hypothesis stateful machines over
  the broker models; their drivers (:class:`KafkaDriver`, :class:`AmqpDriver`) record
  operations as data, and :func:`replay` (``mqsim replay FILE.json``) runs a failing
  :class:`Scenario` again.
- ``mqsim_world`` (a fresh, seeded default world per test) is available in any pytest run
  once mqsim is installed, through the ``pytest11`` entry point.

Names are imported on first use, so the pytest plugin works without hypothesis.
"""

from __future__ import annotations

from typing import Any

_LAZY = {
    "FAULT_KINDS": "mqsim.testing.faults",
    "fault_plans": "mqsim.testing.faults",
    "consumer_fault_plans": "mqsim.testing.faults",
    "Message": "mqsim.testing.harness",
    "Delivery": "mqsim.testing.harness",
    "Call": "mqsim.testing.harness",
    "Outcome": "mqsim.testing.harness",
    "consumer_nodes": "mqsim.testing.harness",
    "run_consumer": "mqsim.testing.harness",
    "messages": "mqsim.testing.strategies",
    "workloads": "mqsim.testing.strategies",
    "InvariantViolation": "mqsim.testing.driver",
    "Scenario": "mqsim.testing.driver",
    "replay": "mqsim.testing.driver",
    "KafkaDriver": "mqsim.testing.kafka_driver",
    "AmqpDriver": "mqsim.testing.amqp_driver",
    "KafkaMachine": "mqsim.testing.machines",
    "AmqpMachine": "mqsim.testing.machines",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mqsim.testing' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
