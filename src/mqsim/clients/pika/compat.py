"""``pika.compat``: what scripts use of it (:class:`long`)."""

from __future__ import annotations


class long(int):  # noqa: N801 - pika's name
    """pika: an int encoded (and decoded) as a 64-bit AMQP field value (``l``); its repr
    ends with ``L``."""

    def __str__(self) -> str:
        return str(int(self))

    def __repr__(self) -> str:
        return f"{int(self)!r}L"


__all__ = ["long"]
