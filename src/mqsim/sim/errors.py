"""Errors raised by mqsim itself (not by a simulated broker)."""

from __future__ import annotations


class InvalidArgument(ValueError):
    """mqsim's own input is wrong: the message names the field and what was expected."""


class SimulationBug(RuntimeError):
    """A model invariant broke: this is a bug in mqsim, not in the user's code."""

    def __init__(self, message: str) -> None:
        super().__init__(f"{message} (this is a bug in mqsim; please report it)")


class ModelError(Exception):
    """A model raised while the simulation ran; carries the simulated time and the actor."""

    def __init__(self, time: float, actor: str, error: BaseException) -> None:
        super().__init__(f"at t={time:.6f}s in {actor}: {type(error).__name__}: {error}")
        self.time = time
        self.actor = actor
        self.error = error
