"""mqsim: a deterministic, in-process simulator of RabbitMQ (AMQP 0-9-1) and Apache Kafka.

Public names only; the models live in :mod:`mqsim.amqp` and :mod:`mqsim.kafka`, the
client facades in :mod:`mqsim.pika` and :mod:`mqsim.confluent_kafka`.
"""

from mqsim._version import __version__
from mqsim.sim import (
    Fault,
    FaultPlan,
    Interrupted,
    InvalidArgument,
    TraceLevel,
    TraceRecord,
    World,
    parse_duration,
    read_jsonl,
)

__all__ = [
    "Fault",
    "FaultPlan",
    "Interrupted",
    "InvalidArgument",
    "TraceLevel",
    "TraceRecord",
    "World",
    "__version__",
    "parse_duration",
    "read_jsonl",
]
