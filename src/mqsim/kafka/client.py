"""What producer, consumer and admin clients share: a node, requests, metadata.

librdkafka: a client bootstraps from ``bootstrap.servers``, keeps a metadata cache
(brokers, topics, partition leaders) refreshed on demand and on leader errors, and talks
to each broker over one connection. mqsim: a client is a node of the world named after
its ``client.id`` (made unique); a crash of that node is a killed process: no close, no
commit, no more heartbeats.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mqsim.kafka.errors import KafkaModelError

if TYPE_CHECKING:
    from mqsim.kafka.cluster import Broker, KafkaCluster, Metadata
    from mqsim.kafka.config import ClientConfig
    from mqsim.sim import World


class ClientBase:
    """A Kafka client node: its cluster, config, node name and metadata cache."""

    role = "client"

    def __init__(
        self, cluster: KafkaCluster, config: ClientConfig, *, name: str | None = None
    ) -> None:
        self.cluster = cluster
        self.world: World = cluster.world
        self.config = config
        self.client_id: str = config["client.id"]
        self.name = name or self.world.unique_name(self.client_id)
        self.alive = True
        self.closed = False
        self.metadata: Metadata | None = None
        self._metadata_waiters: list[Callable[[], object]] = []
        self._metadata_inflight = False
        self.request_timeout = config["request.timeout.ms"] / 1000
        self.retry_backoff = config["retry.backoff.ms"] / 1000
        self.world.add_node(self.name, self, on_crash=self._crashed)

    def __repr__(self) -> str:
        state = "alive" if self.alive else "dead"
        return f"<{type(self).__name__} {self.name!r} {state}>"

    # -- requests ----------

    def bootstrap_broker(self) -> Broker:
        """A live broker to ask for metadata: a listed one, else any the cluster has."""
        brokers = self.cluster.brokers
        known = [] if self.metadata is None else sorted(self.metadata.brokers)
        for broker_id in known:
            broker = brokers.get(broker_id)
            if broker is not None and broker.up:
                return broker
        for broker in brokers.values():
            if broker.up:
                return broker
        return next(iter(brokers.values()))

    def send(
        self,
        broker: Broker,
        handler: Callable[..., None],
        args: tuple[Any, ...],
        reply: Callable[[Any], object],
        fail: Callable[[KafkaModelError], object] | None = None,
        timeout: float | None = None,
    ) -> None:
        """Send a request; ``reply``/``fail`` run only while this client is alive."""

        def on_reply(result: Any) -> None:
            if self.alive:
                reply(result)

        def on_fail(problem: KafkaModelError) -> None:
            if self.alive and fail is not None:
                fail(problem)

        self.cluster.request(
            self.name,
            broker,
            handler,
            args,
            on_reply,
            on_fail,
            self.request_timeout if timeout is None else timeout,
        )

    # -- metadata ----------

    def refresh_metadata(
        self,
        topics: list[str] | None,
        *,
        auto_create: bool,
        then: Callable[[], object] | None = None,
    ) -> None:
        """Ask a broker for metadata; ``then`` runs when the answer (or a failure) arrives."""
        if then is not None:
            self._metadata_waiters.append(then)
        if self._metadata_inflight:
            return
        self._metadata_inflight = True
        broker = self.bootstrap_broker()

        def done(result: Any) -> None:
            self._metadata_inflight = False
            if not isinstance(result, KafkaModelError):
                self._merge_metadata(result)
            waiters, self._metadata_waiters = self._metadata_waiters, []
            for waiter in waiters:
                waiter()

        self.send(
            broker,
            self.cluster.handle_metadata,
            (broker, topics, auto_create),
            done,
            lambda problem: self.world.call_later(self.retry_backoff, done, problem),
        )

    def fetch_metadata(
        self,
        topics: list[str] | None,
        *,
        auto_create: bool,
        done: Callable[[Metadata | KafkaModelError], object],
    ) -> None:
        """One Metadata request of its own (``list_topics()``): ``done`` gets the broker's
        answer as it is (also merged into the cache), or the error."""
        broker = self.bootstrap_broker()

        def reply(result: Any) -> None:
            if not isinstance(result, KafkaModelError):
                self._merge_metadata(result)
            done(result)

        self.send(broker, self.cluster.handle_metadata, (broker, topics, auto_create), reply, done)

    def _merge_metadata(self, fresh: Metadata) -> None:
        if self.metadata is None:
            self.metadata = fresh
            return
        topics = dict(self.metadata.topics)
        topics.update(fresh.topics)
        from dataclasses import replace

        self.metadata = replace(fresh, topics=topics)

    # -- faults ----------

    def _crashed(self) -> None:
        """The client's process was killed."""
        self.alive = False
        self.on_killed()

    def on_killed(self) -> None:
        """Subclasses drop what the dead process held."""

    def finish(self) -> None:
        """The client was closed: free its node name."""
        self.closed = True
        self.alive = False
        self.world.remove_node(self.name)


__all__ = ["ClientBase"]
