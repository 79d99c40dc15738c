"""Imports every lab package, so each lab registers itself; RabbitMQ labs list first."""

from mqsim.labs import kafka, rabbitmq

__all__ = ["kafka", "rabbitmq"]
