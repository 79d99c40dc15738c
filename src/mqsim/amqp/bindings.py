"""The binding topology as a networkx graph, and routing over it.

Nodes are ``("exchange", name)`` and ``("queue", name)``; each binding is an edge from its
source exchange keyed by (routing key, arguments). Routing walks exchange-to-exchange
bindings breadth-first and visits each exchange once, so cycles cannot loop and a queue
reached twice gets one copy (as RabbitMQ does).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from mqsim.amqp.exchange import Binding, Exchange


class Topology:
    """Bindings between exchanges and queues, mirrored in :attr:`graph`."""

    def __init__(self) -> None:
        self.graph = nx.MultiDiGraph()

    @staticmethod
    def _node(name: str, exchange: bool) -> tuple[str, str]:
        return ("exchange" if exchange else "queue", name)

    def add(self, binding: Binding) -> None:
        """Record a new binding as an edge."""
        key = (binding.routing_key, repr(binding.arguments))
        self.graph.add_edge(
            ("exchange", binding.source),
            self._node(binding.destination, binding.to_exchange),
            key=key,
            routing_key=binding.routing_key,
        )

    def remove(self, binding: Binding) -> None:
        """Forget a binding's edge."""
        key = (binding.routing_key, repr(binding.arguments))
        source = ("exchange", binding.source)
        target = self._node(binding.destination, binding.to_exchange)
        if self.graph.has_edge(source, target, key):
            self.graph.remove_edge(source, target, key)

    def forget(self, name: str, exchange: bool) -> None:
        """Remove a deleted exchange or queue and all its edges."""
        node = self._node(name, exchange)
        if node in self.graph:
            self.graph.remove_node(node)

    def add_node(self, name: str, exchange: bool) -> None:
        """Show an exchange or queue even before it has bindings."""
        self.graph.add_node(self._node(name, exchange))

    def has_cycle(self) -> bool:
        """True if exchange-to-exchange bindings form a cycle."""
        return not nx.is_directed_acyclic_graph(self.graph)


def route(
    exchanges: Mapping[str, Exchange],
    start: Exchange,
    routing_keys: list[str],
    headers: Mapping[str, Any] | None,
) -> list[str]:
    """Names of the queues a message published to ``start`` reaches, each once.

    RabbitMQ: an exchange that routes the message nowhere hands it to its alternate
    exchange (if that exists); exchange-to-exchange bindings are followed, each exchange
    at most once.
    """
    if not start.bindings and start.alternate is None:
        return []
    queues: dict[str, None] = {}
    seen = {start.name}
    todo = [start]
    while todo:
        exchange = todo.pop(0)
        matched = exchange.match(routing_keys, headers)
        for binding in matched:
            if binding.to_exchange:
                target = exchanges.get(binding.destination)
                if target is not None and target.name not in seen:
                    seen.add(target.name)
                    todo.append(target)
            else:
                queues[binding.destination] = None
        if not matched:
            alternate = exchange.alternate
            if alternate is not None and alternate not in seen and alternate in exchanges:
                seen.add(alternate)
                todo.append(exchanges[alternate])
    return list(queues)


def cc_keys(routing_key: str, headers: Mapping[str, Any] | None) -> list[str]:
    """The routing keys of a message: its own, then those of its ``CC`` and ``BCC``
    headers (RabbitMQ's sender-selected distribution)."""
    keys = [routing_key]
    for name in ("CC", "BCC"):
        extra = (headers or {}).get(name)
        if isinstance(extra, list):
            keys.extend(k for k in extra if isinstance(k, str))
    return keys
