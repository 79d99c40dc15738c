"""The labs mqsim ships, by name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mqsim.sim import InvalidArgument

if TYPE_CHECKING:
    from mqsim.labs.base import Lab

_LABS: dict[str, Lab] = {}


def register(lab: Lab) -> Lab:
    """Add ``lab`` to the registry (names are unique)."""
    if lab.name in _LABS:
        raise InvalidArgument(f"lab name: {lab.name!r} is registered twice")
    _LABS[lab.name] = lab
    return lab


def all_labs() -> tuple[Lab, ...]:
    """Every registered lab: RabbitMQ labs first, then Kafka, each in registration order."""
    _load()
    return tuple(sorted(_LABS.values(), key=lambda lab: lab.system != "rabbitmq"))


def get_lab(name: str) -> Lab:
    """The lab called ``name``; an unknown name lists the known ones."""
    _load()
    try:
        return _LABS[name]
    except KeyError:
        known = ", ".join(_LABS)
        raise InvalidArgument(f"lab: no lab named {name!r}; known labs: {known}") from None


def _load() -> None:
    """Import the lab modules (each registers itself on import)."""
    from mqsim.labs import catalog  # noqa: F401
