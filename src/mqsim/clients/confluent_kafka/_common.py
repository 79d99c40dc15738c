"""What the confluent-kafka facade classes share: finding the cluster, timeouts, types."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mqsim.clients.confluent_kafka.error import raise_model
from mqsim.clients.default import default_world
from mqsim.kafka.cluster import Broker
from mqsim.kafka.config import ClientConfig, parse_client_config
from mqsim.kafka.errors import KafkaModelError
from mqsim.sim import InvalidArgument

if TYPE_CHECKING:
    from mqsim.kafka.cluster import KafkaCluster
    from mqsim.sim import World

#: A non-blocking call that finds nothing lets this much simulated time pass, so that a
#: ``while True: poll(0)`` loop makes progress (a real loop takes real time too).
POLL_TICK = 0.0001


def merge_conf(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """confluent-kafka's ``Client(conf_dict, **more)`` / ``Client(**conf)`` forms."""
    if len(args) > 1:
        raise TypeError("expected configuration dict")
    conf: dict[str, Any] = {}
    if args:
        if not isinstance(args[0], Mapping):
            raise TypeError("expected configuration dict")
        conf.update(args[0])
    conf.update(kwargs)
    if not args and not kwargs:
        raise TypeError("expected configuration dict")
    return conf


def parse(conf: Mapping[str, Any], role: str) -> ClientConfig:
    """Validate ``conf``; model errors become :class:`KafkaException`."""
    try:
        return parse_client_config(conf, role=role)
    except KafkaModelError as problem:
        raise raise_model(problem) from None


def find_cluster(config: ClientConfig) -> tuple[World, KafkaCluster]:
    """The default world and the cluster a ``bootstrap.servers`` list points at."""
    world = default_world()
    servers = str(config.get("bootstrap.servers") or "")
    names = [s.strip() for s in servers.split(",") if s.strip()]
    if not names:
        raise InvalidArgument(
            "bootstrap.servers: not set; mqsim's default Kafka broker is 'localhost:9092'"
        )
    for name in names:
        address = name.split("://", 1)[-1]
        if ":" not in address:
            address = f"{address}:9092"
        if world.has_node(address):
            node = world.node(address)
            if isinstance(node, Broker):
                return world, node.cluster
    brokers = [n for n in world.nodes if isinstance(world.node(n), Broker)]
    raise InvalidArgument(
        f"bootstrap.servers: no Kafka broker named {servers!r} in this world "
        f"(brokers: {', '.join(brokers) or 'none'})"
    )


def timeout_of(timeout: Any, name: str = "timeout") -> float | None:
    """Seconds from a confluent-kafka timeout (None or negative: wait forever)."""
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise TypeError(f"{name} must be a number")
    return None if timeout < 0 else float(timeout)


def to_bytes(value: Any, what: str) -> bytes | None:
    """str -> UTF-8 bytes, bytes-like -> bytes, None -> None; else TypeError."""
    if value is None or isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    raise TypeError(f"a bytes-like object is required, not '{type(value).__name__}'")


def headers_of(headers: Any) -> list[tuple[str, bytes | None]] | None:
    """confluent-kafka headers: a dict or a list of (str, str|bytes|None) pairs."""
    if headers is None:
        return None
    items = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    out: list[tuple[str, bytes | None]] = []
    for item in items:
        if not isinstance(item, tuple) or len(item) != 2:
            raise TypeError("Headers are expected to be a list of (key, value) tuples")
        key, value = item
        if not isinstance(key, str):
            raise TypeError("Header key must be str")
        out.append((key, to_bytes(value, "header value")))
    return out
