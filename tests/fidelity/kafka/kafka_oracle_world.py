"""A world shaped like the oracle's recordings: 3 brokers, no initial rebalance delay."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mqsim import World
from mqsim.kafka import KafkaCluster

CASES = Path(__file__).resolve().parents[3].parent / "shared" / "oracle" / "kafka" / "cases"
BOOTSTRAP = "kafka-1:9092"


def case(name: str) -> dict[str, Any]:
    """One recorded oracle case."""
    data: dict[str, Any] = json.loads((CASES / name).read_text())
    return data


def oracle_world(*, mock: bool = False, seed: int = 0, **config: Any) -> tuple[World, KafkaCluster]:
    """3 brokers, rebalance delay 0 as the recorders set it; ``mock``: the librdkafka mock's
    own habits (4 partitions on auto-create, no topic-name validation)."""
    world = World(seed=seed, until="10m")
    settings: dict[str, Any] = {"group.initial.rebalance.delay.ms": 0, **config}
    if mock:
        settings.update({"num.partitions": 4, "mqsim.validate.topic.names": False})
    return world, KafkaCluster(world, brokers=3, config=settings)
