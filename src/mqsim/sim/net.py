"""The network between named nodes: latency, loss, partitions.

Links are symmetric and keep FIFO order (a TCP connection does not reorder): a message
never arrives before one sent earlier on the same directed link. Latency is fixed or drawn
from the world's RNG; loss drops a message with a probability; a partition cuts links, and
messages sent over a cut link are either dropped or held until the partition heals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from mqsim.sim.duration import parse_duration
from mqsim.sim.errors import InvalidArgument

if TYPE_CHECKING:
    from mqsim.sim.world import World

OnCut = Literal["drop", "delay"]
LatencySpec = float | int | str | tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Latency:
    """A latency distribution: ``fixed``, ``uniform`` (low, high) or ``exponential`` (mean)."""

    kind: str = "fixed"
    a: float = 0.0
    b: float = 0.0

    @classmethod
    def parse(cls, spec: LatencySpec | Latency, *, field: str = "latency") -> Latency:
        """Read ``0.01``, ``"10ms"``, ``("uniform", "1ms", "5ms")``, ``("exponential", "2ms")``."""
        if isinstance(spec, Latency):
            return spec
        if isinstance(spec, tuple | list):
            if not spec:
                raise InvalidArgument(f"{field}: empty latency spec")
            kind, *args = spec
            if kind == "fixed" and len(args) == 1:
                return cls("fixed", parse_duration(args[0], field=field))
            if kind == "uniform" and len(args) == 2:
                low, high = (parse_duration(x, field=field) for x in args)
                if high < low:
                    raise InvalidArgument(f"{field}: uniform latency needs low <= high")
                return cls("uniform", low, high)
            if kind == "exponential" and len(args) == 1:
                return cls("exponential", parse_duration(args[0], field=field))
            raise InvalidArgument(
                f"{field}: expected ('fixed', d), ('uniform', lo, hi) or ('exponential', mean),"
                f" got {spec!r}"
            )
        return cls("fixed", parse_duration(spec, field=field))

    def sample(self, rng: Any) -> float:
        """One latency in seconds, drawn from ``rng`` where the distribution is random."""
        if self.kind == "fixed":
            return self.a
        if self.kind == "uniform":
            return float(rng.uniform(self.a, self.b))
        return float(rng.expovariate(1.0 / self.a)) if self.a > 0 else 0.0


@dataclass(slots=True)
class Link:
    """The (symmetric) link between two nodes."""

    latency: Latency
    loss: float = 0.0
    on_cut: OnCut = "drop"
    cut: bool = False
    held: list[tuple[str, str, Callable[..., None], tuple[Any, ...], str | None]] = field(
        default_factory=list
    )


class Network:
    """Links between the world's nodes. Unconfigured pairs use the default link settings."""

    def __init__(
        self,
        world: World,
        *,
        latency: LatencySpec = 0.0,
        loss: float = 0.0,
        on_cut: OnCut = "drop",
    ) -> None:
        self._world = world
        self.default_latency = Latency.parse(latency)
        self.default_loss = _probability(loss, "loss")
        self.default_on_cut: OnCut = _on_cut(on_cut)
        self._links: dict[tuple[str, str], Link] = {}
        self._last_arrival: dict[tuple[str, str], float] = {}
        self._watchers: list[Callable[[str, str, bool], None]] = []

    def watch(self, fn: Callable[[str, str, bool], None]) -> None:
        """Call ``fn(a, b, cut)`` whenever the link between ``a`` and ``b`` is cut
        (``cut`` True) or healed (False): how models notice partitions (heartbeats)."""
        self._watchers.append(fn)

    @staticmethod
    def _key(a: str, b: str) -> tuple[str, str]:
        return (a, b) if a <= b else (b, a)

    def link(self, a: str, b: str) -> Link:
        """The link between ``a`` and ``b``, created with the defaults on first use."""
        key = self._key(a, b)
        found = self._links.get(key)
        if found is None:
            found = Link(self.default_latency, self.default_loss, self.default_on_cut)
            self._links[key] = found
        return found

    def configure(
        self,
        a: str,
        b: str,
        *,
        latency: LatencySpec | Latency | None = None,
        loss: float | None = None,
        on_cut: OnCut | None = None,
    ) -> Link:
        """Set latency, loss or cut behaviour of the link between ``a`` and ``b``."""
        found = self.link(a, b)
        if latency is not None:
            found.latency = Latency.parse(latency)
        if loss is not None:
            found.loss = _probability(loss, "loss")
        if on_cut is not None:
            found.on_cut = _on_cut(on_cut)
        return found

    def is_cut(self, a: str, b: str) -> bool:
        """True while a partition separates ``a`` from ``b``."""
        found = self._links.get(self._key(a, b))
        return found is not None and found.cut

    def reachable(self, a: str, b: str) -> bool:
        """Both nodes up and no partition between them."""
        world = self._world
        return world.is_up(a) and world.is_up(b) and not self.is_cut(a, b)

    def partition(self, side_a: str | Iterable[str], side_b: str | Iterable[str]) -> None:
        """Cut every link between a node of ``side_a`` and a node of ``side_b``."""
        for a in _names(side_a):
            for b in _names(side_b):
                if a != b:
                    self.link(a, b).cut = True
                    self._world.trace.emit("net.partition", "network", None, a=a, b=b)
                    for watcher in list(self._watchers):
                        watcher(a, b, True)

    def heal(
        self, side_a: str | Iterable[str] | None = None, side_b: str | Iterable[str] | None = None
    ) -> None:
        """Heal the cuts between two sides, or every cut when no side is named."""
        for key in sorted(self._links):
            found = self._links[key]
            if not found.cut:
                continue
            if side_a is not None and side_b is not None:
                names_a, names_b = set(_names(side_a)), set(_names(side_b))
                if not (
                    (key[0] in names_a and key[1] in names_b)
                    or (key[1] in names_a and key[0] in names_b)
                ):
                    continue
            found.cut = False
            self._world.trace.emit("net.heal", "network", None, a=key[0], b=key[1])
            for watcher in list(self._watchers):
                watcher(key[0], key[1], False)
            held, found.held = found.held, []
            for src, dst, fn, args, msg in held:
                self.send(src, dst, fn, *args, msg=msg)

    def delay(self, src: str, dst: str, *, msg: str | None = None) -> float | None:
        """Seconds until a message sent now from ``src`` reaches ``dst``, or None if lost.

        Keeps FIFO order per directed link. Drops are traced as ``net.drop`` with a reason.
        Does not hold messages on a cut link: use :meth:`send` for that.
        """
        world = self._world
        if not world.is_up(src) or not world.is_up(dst):
            world.trace.emit("net.drop", src, msg, dst=dst, reason="node down")
            return None
        found = self._links.get(self._key(src, dst))
        link = found if found is not None else self.link(src, dst)
        if link.cut:
            world.trace.emit("net.drop", src, msg, dst=dst, reason="partition")
            return None
        if link.loss and world.rng.random() < link.loss:
            world.trace.emit("net.drop", src, msg, dst=dst, reason="loss")
            return None
        latency = link.latency
        now = world.now
        arrival = now + (latency.a if latency.kind == "fixed" else latency.sample(world.rng))
        directed = (src, dst)
        last = self._last_arrival.get(directed, 0.0)
        if arrival < last:
            arrival = last
        self._last_arrival[directed] = arrival
        return arrival - now

    def send(
        self, src: str, dst: str, fn: Callable[..., None], *args: Any, msg: str | None = None
    ) -> bool:
        """Call ``fn(*args)`` when a message from ``src`` reaches ``dst``; False if it never will.

        On a cut link set to ``delay``, the message is held and sent again on heal.
        """
        link = self._links.get(self._key(src, dst))
        if link is not None and link.cut and link.on_cut == "delay" and self._world.is_up(src):
            link.held.append((src, dst, fn, args, msg))
            self._world.trace.emit("net.hold", src, msg, dst=dst)
            return True
        delay = self.delay(src, dst, msg=msg)
        if delay is None:
            return False
        self._world.call_later(delay, fn, *args)
        return True


def _names(side: str | Iterable[str]) -> list[str]:
    return [side] if isinstance(side, str) else sorted(side)


def _probability(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise InvalidArgument(f"{name}: expected a probability between 0 and 1, got {value!r}")
    return float(value)


def _on_cut(value: str) -> OnCut:
    if value == "drop":
        return "drop"
    if value == "delay":
        return "delay"
    raise InvalidArgument(f"on_cut: expected 'drop' or 'delay', got {value!r}")
