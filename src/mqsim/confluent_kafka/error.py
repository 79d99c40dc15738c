"""``confluent_kafka.error``, simulated (see :mod:`mqsim.clients.confluent_kafka.error`)."""

from mqsim.clients.confluent_kafka.error import (
    ConsumeError,
    KafkaError,
    KafkaException,
    ProduceError,
)

__all__ = ["ConsumeError", "KafkaError", "KafkaException", "ProduceError"]
