"""A confluent-kafka-compatible facade over mqsim's Kafka model.

``from mqsim import confluent_kafka`` (or, under ``mqsim run``, plain
``import confluent_kafka``) gives ``Producer``, ``Consumer``, ``Message``, ``KafkaError``,
``KafkaException``, ``TopicPartition``, the ``OFFSET_*``/``TIMESTAMP_*`` constants and the
``admin`` and ``error`` submodules, as confluent-kafka 2.16 does. Clients connect to the
broker of the default world named in ``bootstrap.servers`` (``localhost:9092``).
"""

from mqsim.clients.confluent_kafka import admin, error
from mqsim.clients.confluent_kafka.consumer import Consumer
from mqsim.clients.confluent_kafka.error import KafkaError, KafkaException
from mqsim.clients.confluent_kafka.message import (
    OFFSET_BEGINNING,
    OFFSET_END,
    OFFSET_INVALID,
    OFFSET_STORED,
    TIMESTAMP_CREATE_TIME,
    TIMESTAMP_LOG_APPEND_TIME,
    TIMESTAMP_NOT_AVAILABLE,
    Message,
    TopicPartition,
)
from mqsim.clients.confluent_kafka.producer import Producer


def version() -> tuple[str, int]:
    """The confluent-kafka version this facade mirrors."""
    return ("2.16.1", 0x02100100)


def libversion() -> tuple[str, int]:
    """The librdkafka version this facade mirrors."""
    return ("2.16.0", 0x021000FF)


__all__ = [
    "OFFSET_BEGINNING",
    "OFFSET_END",
    "OFFSET_INVALID",
    "OFFSET_STORED",
    "TIMESTAMP_CREATE_TIME",
    "TIMESTAMP_LOG_APPEND_TIME",
    "TIMESTAMP_NOT_AVAILABLE",
    "Consumer",
    "KafkaError",
    "KafkaException",
    "Message",
    "Producer",
    "TopicPartition",
    "admin",
    "error",
    "libversion",
    "version",
]
