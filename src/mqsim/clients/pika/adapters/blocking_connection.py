"""pika's ``BlockingConnection`` over the simulated broker.

Blocking calls advance simulated time (``world.block``); callbacks (consumers, returns,
cancels, ``call_later``) run only inside ``start_consuming``, ``process_data_events``,
``sleep`` and the ``consume()`` generator, as in pika. The broker rules live in
:mod:`mqsim.amqp`; this module only translates. ``BlockingChannel`` lives in
:mod:`~mqsim.clients.pika.adapters.blocking_channel` and is importable from here, as in
pika.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from mqsim.amqp.client import ClientConnection, ConnectRefused
from mqsim.clients.default import default_world
from mqsim.clients.pika import exceptions
from mqsim.clients.pika.adapters._common import Callback, translate
from mqsim.clients.pika.adapters.blocking_channel import BlockingChannel, ReturnedMessage
from mqsim.clients.pika.connection import ConnectionParameters, Parameters

if TYPE_CHECKING:
    import simpy

    from mqsim.sim import World

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}


def _node_of(params: Parameters) -> str:
    host = "localhost" if params.host in _LOCAL_HOSTS else params.host
    return f"{host}:{params.port}"


class BlockingConnection:
    """A connection to the broker node ``host:port`` of the default world."""

    def __init__(
        self,
        parameters: Parameters | Sequence[Parameters] | None = None,
        _impl_class: Any = None,
    ) -> None:
        world = default_world()
        self._world: World = world
        candidates: Sequence[Parameters]
        if parameters is None:
            candidates = [ConnectionParameters()]
        elif isinstance(parameters, Parameters):
            candidates = [parameters]
        else:
            candidates = list(parameters)
        last: BaseException | None = None
        for params in candidates:
            try:
                self._impl = self._connect(world, params)
                break
            except ConnectRefused as error:
                last = error
        else:
            raise exceptions.AMQPConnectionError(
                f"AMQPConnectionWorkflowFailed: {len(candidates)} exceptions in all; last "
                f"exception - ConnectionRefusedError(111, 'Connection refused: {last}'); first "
                "exception - None"
            )
        self._channels: dict[int, BlockingChannel] = {}
        self._timers: dict[int, Callback] = {}
        self._next_timer = 0
        self._dispatching = False
        #: The application has seen the connection end (pika closes its I/O loop then).
        self._closure_reported = False

    def _connect(self, world: World, params: Parameters) -> ClientConnection:
        props = params.client_properties or {}
        base = props.get("connection_name") or "pika"
        name = world.unique_name(str(base))
        heartbeat = params.heartbeat
        if callable(heartbeat):
            heartbeat = heartbeat(self, 60)
        user = getattr(params.credentials, "username", "guest")
        impl = ClientConnection(world, _node_of(params), name, heartbeat=heartbeat, user=user)
        try:
            event = impl.open()
        except ConnectRefused:
            world.remove_node(name)
            raise
        world.block(event)
        return impl

    def __repr__(self) -> str:
        return f"<BlockingConnection impl={self._impl!r}>"

    def __enter__(self) -> BlockingConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.is_open:
            self.close()

    # -- state ---------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        """True until closed by either side."""
        return self._impl.is_open

    @property
    def is_closed(self) -> bool:
        """True once closed."""
        return not self._impl.is_open

    def _check_open(self) -> None:
        """Raise once the connection ended: the first time with why (pika raises it from the
        blocking call whose I/O saw the close), then ``ConnectionWrongStateError``."""
        if self._impl.is_open:
            return
        reason = self._impl.closed_by
        if reason is not None and not self._closure_reported:
            self._closure_reported = True
            raise translate(reason)
        self._closure_reported = True
        raise exceptions.ConnectionWrongStateError()

    def _check_loop(self, time_limit: float | None) -> None:
        """pika: once the application saw the connection end, its I/O loop is closed; a
        wait with a time limit cannot set its timer (``ValueError``), one without raises
        ``ConnectionWrongStateError``."""
        if self._closure_reported and not self._impl.is_open:
            if time_limit is None:
                raise exceptions.ConnectionWrongStateError()
            raise ValueError("Timeout closed before call")

    def _closed_repr(self) -> str:
        host, _, port = self._impl.broker_name.rpartition(":")
        return (
            f"<SelectConnection CLOSED transport=None params=<ConnectionParameters "
            f"host={host} port={port} virtual_host=/ ssl=False>>"
        )

    # -- time ----------------------------------------------------------------------------

    def _wait(
        self, event: simpy.Event, timeout: float | None = None, *, idle: bool = False
    ) -> bool:
        """Block until ``event``; ``idle`` marks a wait for incoming frames (deliveries,
        returns, timers) rather than for the reply to this client's own request.

        As pika's I/O loop does, the wait reads the ``channel.close`` frames that arrived."""
        try:
            return self._world.block(event, timeout, idle=idle)
        finally:
            self._read_closes()

    def _read_closes(self) -> None:
        """pika's I/O loop ran: the ``channel.close`` frames that arrived are read."""
        for channel in list(self._channels.values()):
            channel._read_close()

    def process_data_events(self, time_limit: float | None = 0) -> None:
        """Dispatch pending callbacks; with a time limit (None: no limit), first wait up to
        that long for something to arrive (after the application saw the connection end:
        ``ValueError``, or ``ConnectionWrongStateError`` without a limit, as in pika)."""
        self._check_loop(time_limit)
        self._check_open()
        if not self._impl.inbox and time_limit != 0:
            self._wait(self._impl.wait_event(), time_limit, idle=True)
        self._read_closes()
        self._dispatch()
        self._check_open()

    def sleep(self, duration: float) -> None:
        """Let ``duration`` simulated seconds pass while dispatching callbacks."""
        deadline = self._world.now + duration
        while True:
            self._check_loop(max(0.0, deadline - self._world.now))
            self._check_open()
            self._dispatch()
            remaining = deadline - self._world.now
            if remaining <= 0:
                return
            self._wait(self._impl.wait_event(), remaining, idle=True)

    def call_later(self, delay: float, callback: Callable[[], None]) -> int:
        """Call ``callback`` from the connection's dispatch after ``delay`` seconds."""
        self._next_timer += 1
        timer_id = self._next_timer
        self._timers[timer_id] = callback

        def ready() -> None:
            self._impl.inbox.append(("timer", timer_id))
            self._impl._wake()

        self._world.call_later(max(0.0, float(delay)), ready)
        return timer_id

    def remove_timeout(self, timeout_id: int) -> None:
        """Cancel a ``call_later``."""
        self._timers.pop(timeout_id, None)

    def add_callback_threadsafe(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` in the next dispatch."""
        self.call_later(0, callback)

    def add_on_connection_blocked_callback(self, callback: Callback) -> None:
        """Accepted; mqsim's broker never blocks publishers."""

    def add_on_connection_unblocked_callback(self, callback: Callback) -> None:
        """Accepted; mqsim's broker never blocks publishers."""

    def update_secret(self, new_secret: str, reason: str) -> None:
        """Accepted and ignored."""

    # -- dispatch ------------------------------------------------------------------------

    def _dispatch(self) -> None:
        if self._dispatching:
            return
        self._dispatching = True
        try:
            inbox = self._impl.inbox
            while inbox:
                item = inbox.popleft()
                kind = item[0]
                if kind == "timer":
                    callback = self._timers.pop(item[1], None)
                    if callback is not None:
                        callback()
                    continue
                if kind == "connection_close":
                    continue
                channel = self._channels.get(item[1])
                if channel is not None:
                    channel._on_frame(item)
        finally:
            self._dispatching = False

    # -- channels ------------------------------------------------------------------------

    def channel(self, channel_number: int | None = None) -> BlockingChannel:
        """Open a channel (the lowest free number unless given)."""
        if self._closure_reported and not self._impl.is_open:
            raise exceptions.ConnectionWrongStateError(
                f"Channel allocation requires an open connection: {self._closed_repr()}"
            )
        self._check_open()
        for number in [n for n, ch in self._channels.items() if not ch.is_open]:
            del self._channels[number]
        if channel_number is None:
            channel_number = next(
                n for n in range(1, len(self._channels) + 2) if n not in self._channels
            )
        impl, event = self._impl.channel(channel_number)
        blocking = BlockingChannel(impl, self)
        self._channels[channel_number] = blocking
        value = self._wait_value(event)
        if isinstance(value, BaseException):
            if not self._impl.is_open:
                self._closure_reported = True
            raise translate(value)
        return blocking

    def _wait_value(self, event: simpy.Event) -> Any:
        self._wait(event)
        return event.value

    def close(self, reply_code: int = 200, reply_text: str = "Normal shutdown") -> None:
        """Close the channels, then the connection."""
        if not self._impl.is_open:
            raise exceptions.ConnectionWrongStateError(
                f"BlockingConnection.close({reply_code}, {reply_text!r}) called on closed "
                "connection."
            )
        for channel in list(self._channels.values()):
            if channel.is_open:
                channel.close()
        self._wait(self._impl.close())
        self._closure_reported = True
        self._channels.clear()


__all__ = ["BlockingChannel", "BlockingConnection", "ReturnedMessage"]
