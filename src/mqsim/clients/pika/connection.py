"""pika.connection: connection parameters (``ConnectionParameters``, ``URLParameters``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from mqsim.clients.pika.credentials import PlainCredentials


class Parameters:
    """Connection settings with pika's defaults."""

    DEFAULT_HOST = "localhost"
    DEFAULT_PORT = 5672
    DEFAULT_SSL_PORT = 5671
    DEFAULT_VIRTUAL_HOST = "/"
    DEFAULT_USERNAME = "guest"
    DEFAULT_PASSWORD = "guest"
    DEFAULT_HEARTBEAT_TIMEOUT = None
    DEFAULT_CHANNEL_MAX = 65535
    DEFAULT_FRAME_MAX = 131072
    DEFAULT_CONNECTION_ATTEMPTS = 1
    DEFAULT_RETRY_DELAY = 2.0
    DEFAULT_SOCKET_TIMEOUT = 10.0
    DEFAULT_STACK_TIMEOUT = 15.0
    DEFAULT_LOCALE = "en_US"
    DEFAULT_BLOCKED_CONNECTION_TIMEOUT = None
    DEFAULT_CLIENT_PROPERTIES = None
    DEFAULT_SSL_OPTIONS = None
    DEFAULT_TCP_OPTIONS = None

    def __init__(self) -> None:
        self.host: str = self.DEFAULT_HOST
        self.port: int = self.DEFAULT_PORT
        self.virtual_host: str = self.DEFAULT_VIRTUAL_HOST
        self.credentials: Any = PlainCredentials(self.DEFAULT_USERNAME, self.DEFAULT_PASSWORD)
        self.channel_max: int = self.DEFAULT_CHANNEL_MAX
        self.frame_max: int = self.DEFAULT_FRAME_MAX
        self.heartbeat: Any = self.DEFAULT_HEARTBEAT_TIMEOUT
        self.ssl_options: Any = None
        self.connection_attempts: int = self.DEFAULT_CONNECTION_ATTEMPTS
        self.retry_delay: float = self.DEFAULT_RETRY_DELAY
        self.socket_timeout: float | None = self.DEFAULT_SOCKET_TIMEOUT
        self.stack_timeout: float | None = self.DEFAULT_STACK_TIMEOUT
        self.locale: str = self.DEFAULT_LOCALE
        self.blocked_connection_timeout: float | None = None
        self.client_properties: dict[str, Any] | None = None
        self.tcp_options: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__} host={self.host} port={self.port} virtual_host={self.virtual_host} ssl={self.ssl_options is not None}>"  # noqa: E501

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Parameters):
            return NotImplemented
        return vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]


class ConnectionParameters(Parameters):
    """pika's keyword parameters; unset ones keep pika's defaults."""

    class _DEFAULT:
        """Marks an argument left at its default."""

    def __init__(
        self,
        host: Any = _DEFAULT,
        port: Any = _DEFAULT,
        virtual_host: Any = _DEFAULT,
        credentials: Any = _DEFAULT,
        channel_max: Any = _DEFAULT,
        frame_max: Any = _DEFAULT,
        heartbeat: Any = _DEFAULT,
        ssl_options: Any = _DEFAULT,
        connection_attempts: Any = _DEFAULT,
        retry_delay: Any = _DEFAULT,
        socket_timeout: Any = _DEFAULT,
        stack_timeout: Any = _DEFAULT,
        locale: Any = _DEFAULT,
        blocked_connection_timeout: Any = _DEFAULT,
        client_properties: Any = _DEFAULT,
        tcp_options: Any = _DEFAULT,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        given = {
            "host": host,
            "port": port,
            "virtual_host": virtual_host,
            "credentials": credentials,
            "channel_max": channel_max,
            "frame_max": frame_max,
            "heartbeat": heartbeat,
            "ssl_options": ssl_options,
            "connection_attempts": connection_attempts,
            "retry_delay": retry_delay,
            "socket_timeout": socket_timeout,
            "stack_timeout": stack_timeout,
            "locale": locale,
            "blocked_connection_timeout": blocked_connection_timeout,
            "client_properties": client_properties,
            "tcp_options": tcp_options,
        }
        for name, value in given.items():
            if value is not self._DEFAULT:
                setattr(self, name, value)
        if port is self._DEFAULT and ssl_options not in (self._DEFAULT, None):
            self.port = self.DEFAULT_SSL_PORT
        if kwargs:
            raise TypeError(f"unexpected kwargs: {kwargs!r}")


class URLParameters(Parameters):
    """Parameters from an ``amqp://user:pass@host:port/vhost?heartbeat=30`` URL."""

    def __init__(self, url: str) -> None:
        super().__init__()
        parts = urlparse(url)
        if parts.scheme == "amqps":
            self.port = self.DEFAULT_SSL_PORT
        if parts.hostname:
            self.host = parts.hostname
        if parts.port:
            self.port = parts.port
        if parts.username is not None:
            self.credentials = PlainCredentials(
                unquote(parts.username), unquote(parts.password or "")
            )
        if parts.path and parts.path != "/":
            self.virtual_host = unquote(parts.path[1:])
        numbers = {
            "heartbeat": int,
            "channel_max": int,
            "frame_max": int,
            "connection_attempts": int,
            "retry_delay": float,
            "socket_timeout": float,
            "stack_timeout": float,
            "blocked_connection_timeout": float,
        }
        for name, values in parse_qs(parts.query).items():
            if name in numbers:
                setattr(self, name, numbers[name](values[-1]))
            elif name == "locale":
                self.locale = values[-1]
