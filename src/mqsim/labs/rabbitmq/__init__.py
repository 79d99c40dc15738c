"""RabbitMQ labs; each module registers one lab on import, in the order imported here."""

# The listing order, not alphabetical:
# isort: off
from mqsim.labs.rabbitmq import (
    auto_ack_loss,
    crash_before_ack,
    forgotten_ack,
    fair_dispatch,
    nack_requeue_order,
    unroutable_drop,
    restart_transient_loss,
    publisher_confirms,
    poison_message,
    ttl_maxlen_loss,
    partition_heartbeat,
)

# isort: on

__all__ = [
    "auto_ack_loss",
    "crash_before_ack",
    "fair_dispatch",
    "forgotten_ack",
    "nack_requeue_order",
    "partition_heartbeat",
    "poison_message",
    "publisher_confirms",
    "restart_transient_loss",
    "ttl_maxlen_loss",
    "unroutable_drop",
]
