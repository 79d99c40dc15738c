"""pika's exceptions, with the same names, hierarchy, arguments and reprs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class AMQPError(Exception):
    """Base of pika's AMQP errors."""

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}: An unspecified AMQP error has occurred; {self.args}"


class AMQPConnectionError(AMQPError):
    """The connection could not be opened, or failed."""

    def __repr__(self) -> str:
        if len(self.args) == 2:
            return f"{self.__class__.__name__}: ({self.args[0]}) {self.args[1]}"
        return f"{self.__class__.__name__}: {self.args}"


class ConnectionOpenAborted(AMQPConnectionError):
    """Client closed connection while opening."""


class StreamLostError(AMQPConnectionError):
    """Stream (TCP) connection lost."""


class IncompatibleProtocolError(AMQPConnectionError):
    """The server speaks another protocol."""


class AuthenticationError(AMQPConnectionError):
    """Authentication mechanism not accepted."""


class ProbableAuthenticationError(AMQPConnectionError):
    """Disconnected while authenticating."""


class ProbableAccessDeniedError(AMQPConnectionError):
    """Disconnected while opening the virtual host."""


class NoFreeChannels(AMQPConnectionError):
    """No channel number left."""


class ConnectionWrongStateError(AMQPConnectionError):
    """Connection is in wrong state for the requested operation."""


class ConnectionClosed(AMQPConnectionError):
    """The connection closed (``reply_code``, ``reply_text``)."""

    def __init__(self, reply_code: int, reply_text: str) -> None:
        super().__init__(int(reply_code), str(reply_text))

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}: ({self.reply_code}) {self.reply_text!r}"

    @property
    def reply_code(self) -> int:
        """The AMQP reply code."""
        return int(self.args[0])

    @property
    def reply_text(self) -> str:
        """The reply text."""
        return str(self.args[1])


class ConnectionClosedByBroker(ConnectionClosed):
    """``connection.close`` from the broker."""


class ConnectionClosedByClient(ConnectionClosed):
    """The client closed the connection."""


class ConnectionBlockedTimeout(AMQPConnectionError):
    """Timed out waiting for connection.unblocked."""


class AMQPHeartbeatTimeout(AMQPConnectionError):
    """Connection was dropped as result of heartbeat timeout."""


class AMQPChannelError(AMQPError):
    """Base of channel errors."""

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}: {self.args!r}"


class ChannelWrongStateError(AMQPChannelError):
    """Channel is in wrong state for the requested operation."""


class ChannelClosed(AMQPChannelError):
    """The channel closed (``reply_code``, ``reply_text``)."""

    def __init__(self, reply_code: int, reply_text: str) -> None:
        super().__init__(int(reply_code), str(reply_text))

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}: ({self.reply_code}) {self.reply_text!r}"

    @property
    def reply_code(self) -> int:
        """The AMQP reply code."""
        return int(self.args[0])

    @property
    def reply_text(self) -> str:
        """The reply text."""
        return str(self.args[1])


class ChannelClosedByBroker(ChannelClosed):
    """``channel.close`` from the broker."""


class ChannelClosedByClient(ChannelClosed):
    """The client closed the channel."""


class DuplicateConsumerTag(AMQPChannelError):
    """The consumer tag is already used on this channel."""

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}: The consumer tag specified already exists for this "
            f"channel: {self.args[0]}"
        )


class ConsumerCancelled(AMQPChannelError):
    """The broker cancelled the consumer."""

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}: Server cancelled consumer"


class UnroutableError(AMQPChannelError):
    """Mandatory messages returned by the broker (``messages``)."""

    def __init__(self, messages: Sequence[Any]) -> None:
        super().__init__(f"{len(messages)} unroutable message(s) returned")
        self.messages = messages

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}: {len(self.messages)} unroutable messages returned "
            "by broker"
        )


class NackError(AMQPChannelError):
    """Messages nacked by the broker (``messages``)."""

    def __init__(self, messages: Sequence[Any]) -> None:
        super().__init__(f"{len(messages)} message(s) NACKed")
        self.messages = messages

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}: {len(self.messages)} unroutable messages returned "
            "by broker"
        )


class InvalidChannelNumber(AMQPError):
    """An invalid channel number."""


class ProtocolSyntaxError(AMQPError):
    """Protocol syntax error."""


class UnexpectedFrameError(ProtocolSyntaxError):
    """Frame out of sequence."""


class ProtocolVersionMismatch(ProtocolSyntaxError):
    """Protocol versions did not match."""


class BodyTooLongError(ProtocolSyntaxError):
    """Too many body bytes."""


class InvalidFrameError(ProtocolSyntaxError):
    """Invalid frame."""


class InvalidFieldTypeException(ProtocolSyntaxError):
    """Unsupported field kind."""

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}: Unsupported field kind {self.args[0]}"


class UnsupportedAMQPFieldException(ProtocolSyntaxError):
    """A value pika cannot encode in a field table (``args[1]``)."""

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}: Unsupported field kind {type(self.args[1])}"


class MethodNotImplemented(AMQPError):
    """Method not implemented."""


class ChannelError(Exception):
    """Unspecified channel error."""


class ReentrancyError(Exception):
    """The operation would recurse into the connection's dispatch."""


class ShortStringTooLong(AMQPError):
    """An AMQP short string (names, keys) longer than 255 bytes."""

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}: AMQP Short String can contain up to 255 bytes: "
            f"{str(self.args[0])[:300]}"
        )


class DuplicateGetOkCallback(ChannelError):
    """basic_get called again before its callback ran."""
