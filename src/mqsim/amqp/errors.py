"""Errors the simulated broker raises: an AMQP reply code with RabbitMQ's exact text."""

from __future__ import annotations

from mqsim.amqp import codes


class AMQPError(Exception):
    """A channel or connection exception, as RabbitMQ sends it in ``channel.close`` /
    ``connection.close``: ``code`` and ``text`` (``"NOT_FOUND - no queue 'q' in vhost '/'"``).
    """

    def __init__(self, code: int, detail: str) -> None:
        self.code = code
        self.text = f"{codes.NAMES[code]} - {detail}"
        super().__init__(self.text)

    @property
    def hard(self) -> bool:
        """True if it closes the connection (a connection exception)."""
        return codes.is_hard(self.code)

    def __repr__(self) -> str:
        return f"<AMQPError {self.code} {self.text!r}>"


def not_found(kind: str, name: str) -> AMQPError:
    """404 for a missing queue or exchange."""
    return AMQPError(codes.NOT_FOUND, f"no {kind} '{name}' in vhost '/'")


def locked(name: str) -> AMQPError:
    """405 for an exclusive queue used from another connection."""
    return AMQPError(
        codes.RESOURCE_LOCKED,
        f"cannot obtain exclusive access to locked queue '{name}' in vhost '/'. It could be "
        "originally declared on another connection or the exclusive property value does not "
        "match that of the original declaration.",
    )


def precondition(detail: str) -> AMQPError:
    """406 PRECONDITION_FAILED."""
    return AMQPError(codes.PRECONDITION_FAILED, detail)


def access_refused(detail: str) -> AMQPError:
    """403 ACCESS_REFUSED."""
    return AMQPError(codes.ACCESS_REFUSED, detail)
