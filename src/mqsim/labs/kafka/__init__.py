"""Kafka labs; each module registers one lab on import, in the order imported here."""

# The listing order, not alphabetical:
# isort: off
from mqsim.labs.kafka import (
    auto_commit_skip,
    rebalance_redelivery,
    no_key_ordering,
    one_group_two_services,
    idle_consumers,
    max_poll_kickout,
    eager_vs_cooperative,
    acks1_failover_loss,
    unclean_election_loss,
    retry_duplicates,
    hot_key_lag,
    retention_loss,
)

# isort: on

__all__ = [
    "acks1_failover_loss",
    "auto_commit_skip",
    "eager_vs_cooperative",
    "hot_key_lag",
    "idle_consumers",
    "max_poll_kickout",
    "no_key_ordering",
    "one_group_two_services",
    "rebalance_redelivery",
    "retention_loss",
    "retry_duplicates",
    "unclean_election_loss",
]
