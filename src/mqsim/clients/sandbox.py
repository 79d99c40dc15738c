"""What a script run by ``mqsim run`` sees of its process: argv, cwd, environment, time.

``python send.py`` gives a script its own process: ``sys.argv``, a working directory, an
environment, ``sys.path[0]`` (the script's folder), a ``__main__`` module, its own copy of
the modules it imports from its folder, and the wall clock. mqsim runs several scripts as
threads of one process, one thread at a time (:class:`mqsim.sim.ProgramDriver`), so it can
give each script those things by swapping them whenever another script's thread gets its
turn (:meth:`Sandbox.resume`).

While a run lasts, :class:`Sandbox` also patches, for script threads only (other threads
see the real functions):

- ``time.sleep`` (simulated sleep), ``time.time``/``time_ns`` (:data:`EPOCH` plus
  simulated time), ``time.monotonic``/``perf_counter`` (and their ``_ns`` forms: simulated
  time), ``time.localtime``/``gmtime``/``ctime``/``strftime``/``asctime`` without a time
  argument (the simulated wall clock);
- ``import pika`` / ``import confluent_kafka`` (and their submodules): mqsim's facades
  (:data:`ALIASES`); the real libraries are never imported;
- ``print``/``sys.stdout``/``sys.stderr``: line by line into the run's output;
  ``sys.stdin`` is empty;
- ``os._exit(n)``: ends the script (not the process) with status ``n``;
- ``signal.signal``/``getsignal``: a script's own SIGINT handler is kept and called on the
  simulated Ctrl+C (:class:`mqsim.sim.Interrupted`) instead of raising it;
- the global ``random`` module is seeded from the run's seed and ``uuid.uuid4`` draws from
  a seeded generator, so scripts that use them stay deterministic.

Not covered (a script using them sees real time or real concurrency): ``datetime.now()``,
``threading`` timeouts (``Event.wait(5)``, ``queue.get(timeout=)``), threads of its own,
and busy loops that never block (simulated time cannot pass in them).
"""

from __future__ import annotations

import builtins
import importlib
import importlib.abc
import importlib.machinery
import io
import os
import random
import signal
import sys
import time
import types
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mqsim.sim import Program, World

EPOCH = 1_704_067_200
"""``time.time()`` in a script at simulated time 0: 2024-01-01T00:00:00Z."""

ALIASES: dict[str, tuple[str, ...]] = {
    "pika": ("mqsim.pika", "mqsim.clients.pika"),
    "confluent_kafka": ("mqsim.confluent_kafka", "mqsim.clients.confluent_kafka"),
}
"""Module names scripts import, and the mqsim modules that stand in for them (first found)."""

Emit = Callable[["ScriptContext", str, str], None]


class ScriptExit(BaseException):
    """``os._exit(code)`` called in a script: ends that script only."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class ScriptContext:
    """The process state of one run of one script (a restart gets a fresh one)."""

    def __init__(
        self,
        label: str,
        script: str,
        args: Sequence[str],
        *,
        cwd: str,
        env: dict[str, str],
        path: list[str],
    ) -> None:
        self.label = label
        self.script = script
        self.filename = os.path.abspath(os.path.join(cwd, script))
        self.directory = os.path.dirname(self.filename)
        self.argv = [script, *args]
        self.cwd = cwd
        self.env = env
        self.path = [self.directory, *path]
        self.main = types.ModuleType("__main__")
        self.main.__dict__.update(
            __file__=self.filename, __builtins__=builtins, __spec__=None, __package__=None
        )
        self.env_data: dict[Any, Any] | None = None
        self.modules: dict[str, types.ModuleType] = {}
        self.signals: dict[int, Any] = {}
        self.muted = False
        self._partial = {"stdout": "", "stderr": ""}
        self._emit: Emit | None = None

    def __repr__(self) -> str:
        return f"<ScriptContext {self.label!r} argv={self.argv!r}>"

    def execute(self) -> None:
        """Run the script's code as ``__main__`` (in the calling program thread)."""
        with open(self.filename, "rb") as source:
            code = compile(source.read(), self.filename, "exec", dont_inherit=True)
        exec(code, self.main.__dict__)

    def write(self, stream: str, text: str) -> None:
        """Add ``text`` to ``stream`` (``stdout``/``stderr``); complete lines are emitted."""
        if self.muted or self._emit is None:
            return
        pending = self._partial[stream] + text
        *lines, self._partial[stream] = pending.split("\n")
        for line in lines:
            self._emit(self, stream, line)

    def flush_partial(self) -> None:
        """Emit what is left of unfinished lines (the script has ended)."""
        for stream in ("stdout", "stderr"):
            if self._partial[stream]:
                self.write(stream, "\n")

    def sigint_handler(self) -> Callable[[int, Any], Any] | None:
        """The script's own SIGINT handler, if it set one (None: the default, Ctrl+C)."""
        handler = self.signals.get(signal.SIGINT)
        if handler is None or handler is signal.default_int_handler:
            return None
        if handler == signal.SIG_IGN:
            return lambda _signum, _frame: None
        if handler == signal.SIG_DFL or not callable(handler):
            return None
        return handler  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class SandboxStatistics:
    """``scripts`` run (restarts count again), ``turns`` (a script thread resumed: one per
    blocking call) and ``swaps`` (the turn went to another script: its state was installed)."""

    scripts: int
    turns: int
    swaps: int


class _Stream(io.TextIOBase):
    """``sys.stdout``/``sys.stderr`` during a run: per script thread, by lines."""

    encoding = "utf-8"

    def __init__(self, sandbox: Sandbox, name: str, real: Any) -> None:
        super().__init__()
        self._sandbox = sandbox
        self._name = name
        self._real = real

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        context = self._sandbox.context()
        if context is None:
            return int(self._real.write(text))
        context.write(self._name, text)
        return len(text)

    def flush(self) -> None:
        if self._sandbox.context() is None:
            self._real.flush()


class _AliasLoader(importlib.abc.Loader):
    """Loads an alias name as an already imported mqsim module."""

    def __init__(self, module: types.ModuleType) -> None:
        self._module = module

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return self._module

    def exec_module(self, module: types.ModuleType) -> None:
        return None


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Resolves ``pika``, ``pika.exceptions``, ``confluent_kafka.admin``... to the facades."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        top, _, rest = fullname.partition(".")
        candidates = ALIASES.get(top)
        if candidates is None:
            return None
        module = _resolve(fullname, candidates, rest)
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(module))


def _resolve(fullname: str, candidates: tuple[str, ...], rest: str) -> types.ModuleType:
    """The stand-in for ``fullname``: for a top-level name the first candidate that is a
    package (so ``import pika.exceptions`` works), else the first that exists; for a
    submodule, that submodule of the first candidate that has it."""
    found: list[types.ModuleType] = []
    for candidate in candidates:
        target = f"{candidate}.{rest}" if rest else candidate
        try:
            module = importlib.import_module(target)
        except ModuleNotFoundError as error:
            if error.name is None or not target.startswith(error.name):
                raise
            continue
        if rest or hasattr(module, "__path__"):
            return module
        found.append(module)
    if found:
        return found[0]
    if rest:
        parent = sys.modules.get(fullname.rpartition(".")[0])
        attribute = getattr(parent, rest.rpartition(".")[2], None)
        if isinstance(attribute, types.ModuleType):
            return attribute
    raise ModuleNotFoundError(
        f"No module named {fullname!r} (mqsim runs scripts against its own facade for"
        f" {fullname.partition('.')[0]!r}, and it has no such module)",
        name=fullname,
    )


class Sandbox:
    """Installs the per-script process state for the duration of a run (a context manager).

    ``emit(context, stream, line)`` receives every complete line a script writes.
    """

    def __init__(self, world: World, *, seed: int, emit: Emit) -> None:
        self.world = world
        self._driver = world.programs
        self._emit = emit
        self._seed = seed
        self._current: ScriptContext | None = None
        self._contexts: list[ScriptContext] = []
        self._saved: dict[str, Any] = {}
        self._known: set[str] = set()
        self._known_len = 0
        self._finder = _AliasFinder()
        self.turns = 0
        self.swaps = 0

    def __repr__(self) -> str:
        current = self._current.label if self._current is not None else None
        return f"<Sandbox scripts={len(self._contexts)} current={current!r}>"

    def statistics(self) -> SandboxStatistics:
        """Scripts seen, turns given to script threads, and process-state swaps among them."""
        return SandboxStatistics(len(self._contexts), self.turns, self.swaps)

    # -- which script is running ----------------------------------------------------------

    def context(self) -> ScriptContext | None:
        """The context of the script whose thread is calling, if any."""
        program = self._driver.current()
        if program is None:
            return None
        context = program.context
        return context if isinstance(context, ScriptContext) else None

    def adopt(self, context: ScriptContext) -> None:
        """Route ``context``'s output through this sandbox."""
        context._emit = self._emit
        self._contexts.append(context)

    def resume(self, program: Program) -> None:
        """Install ``program``'s process state (called before its thread gets its turn)."""
        context = program.context
        self.turns += 1
        if not isinstance(context, ScriptContext) or context is self._current:
            return
        self.swaps += 1
        if self._current is not None:
            self._save(self._current)
        self._load(context)
        self._current = context

    def _save(self, context: ScriptContext) -> None:
        context.argv = sys.argv
        context.path = sys.path
        context.cwd = os.getcwd()
        if not _environ_is(context.env_data):  # the script changed its environment
            context.env = dict(os.environ)
            context.env_data = _environ_data()
        self._collect_modules(context)

    def _load(self, context: ScriptContext) -> None:
        sys.argv = context.argv
        sys.path = context.path
        sys.modules["__main__"] = context.main
        if os.getcwd() != context.cwd:
            os.chdir(context.cwd)
        if not _environ_is(context.env_data):
            _apply_environment(context.env)
            context.env_data = _environ_data()
        sys.modules.update(context.modules)
        self._known_len = len(sys.modules)

    def _collect_modules(self, context: ScriptContext) -> None:
        """Take the modules ``context`` imported from its own folder out of ``sys.modules``.

        Cheap when nothing was imported: the scan only runs when ``sys.modules`` grew.
        """
        changed = len(sys.modules) != self._known_len
        for name in context.modules:
            module = sys.modules.pop(name, None)
            if module is not None:
                context.modules[name] = module
        if changed:
            prefix = context.directory + os.sep
            for name in [name for name in sys.modules if name not in self._known]:
                filename = getattr(sys.modules[name], "__file__", None)
                if name != "__main__" and isinstance(filename, str) and filename.startswith(prefix):
                    context.modules[name] = sys.modules.pop(name)
                else:
                    self._known.add(name)
        self._known_len = len(sys.modules)

    # -- installing and restoring ---------------------------------------------------------

    def __enter__(self) -> Sandbox:
        self.install()
        return self

    def __exit__(self, *exc: object) -> None:
        self.restore()

    def install(self) -> None:
        """Patch the process for the run (see the module doc)."""
        saved = self._saved
        saved["argv"], saved["path"], saved["cwd"] = sys.argv, sys.path, os.getcwd()
        saved["env"] = dict(os.environ)
        saved["main"] = sys.modules.get("__main__")
        saved["streams"] = (sys.stdin, sys.stdout, sys.stderr)
        saved["random"] = random.getstate()
        saved["aliases"] = {
            name: module
            for name, module in sys.modules.items()
            if name.partition(".")[0] in ALIASES
        }
        for name in saved["aliases"]:
            del sys.modules[name]
        sys.meta_path.insert(0, self._finder)
        saved["functions"] = self._patch_functions()
        sys.stdin = io.StringIO("")
        sys.stdout = _Stream(self, "stdout", sys.stdout)
        sys.stderr = _Stream(self, "stderr", sys.stderr)
        random.seed(self._seed)
        self._driver.on_resume = self.resume
        self._known = set(sys.modules)
        self._known_len = len(sys.modules)

    def restore(self) -> None:
        """Undo :meth:`install`: the process is as it was before the run."""
        saved = self._saved
        if not saved:
            return
        self._driver.on_resume = None
        if self._current is not None:
            self._collect_modules(self._current)
            self._current = None
        sys.stdin, sys.stdout, sys.stderr = saved["streams"]
        for (owner, name), function in saved["functions"].items():
            setattr(owner, name, function)
        if self._finder in sys.meta_path:
            sys.meta_path.remove(self._finder)
        for name in [name for name in sys.modules if name.partition(".")[0] in ALIASES]:
            del sys.modules[name]
        sys.modules.update(saved["aliases"])
        if saved["main"] is not None:
            sys.modules["__main__"] = saved["main"]
        sys.argv, sys.path = saved["argv"], saved["path"]
        if os.getcwd() != saved["cwd"]:
            os.chdir(saved["cwd"])
        _apply_environment(saved["env"])
        random.setstate(saved["random"])
        self._saved = {}

    def _patch_functions(self) -> dict[tuple[Any, str], Any]:
        world = self.world
        current = self.context
        real_asctime, real_localtime = time.asctime, time.localtime
        real_getsignal = signal.getsignal
        uuid_rng = random.Random(self._seed + 0x5EED)

        def now() -> float:
            return world.now

        def wall() -> float:
            return EPOCH + world.now

        def sleep(seconds: float) -> None:
            seconds = float(seconds)
            if seconds < 0:
                raise ValueError("sleep length must be non-negative")
            world.sleep(seconds)

        def at(real: Callable[..., Any]) -> Callable[..., Any]:
            def clocked(*args: Any) -> Any:
                if not args and current() is not None:
                    return real(wall())
                return real(*args)

            return clocked

        def tuple_at(real: Callable[..., Any]) -> Callable[..., Any]:
            def clocked(format: str, *args: Any) -> Any:
                if not args and current() is not None:
                    return real(format, real_localtime(wall()))
                return real(format, *args)

            return clocked

        def uuid4() -> uuid.UUID:
            return uuid.UUID(int=uuid_rng.getrandbits(128), version=4)

        def exit_now(code: int) -> None:
            raise ScriptExit(int(code))

        def set_signal(signum: int, handler: Any) -> Any:
            context = current()
            assert context is not None
            previous = context.signals.get(signum, real_getsignal(signum))
            context.signals[signum] = handler
            return previous

        def get_signal(signum: int) -> Any:
            context = current()
            assert context is not None
            return context.signals.get(signum, real_getsignal(signum))

        replacements: dict[tuple[Any, str], Callable[..., Any]] = {
            (time, "sleep"): sleep,
            (time, "time"): wall,
            (time, "time_ns"): lambda: EPOCH * 1_000_000_000 + round(world.now * 1e9),
            (time, "monotonic"): now,
            (time, "monotonic_ns"): lambda: round(world.now * 1e9),
            (time, "perf_counter"): now,
            (time, "perf_counter_ns"): lambda: round(world.now * 1e9),
            (time, "localtime"): at(time.localtime),
            (time, "gmtime"): at(time.gmtime),
            (time, "ctime"): at(time.ctime),
            (time, "asctime"): lambda *args: real_asctime(*args or (real_localtime(wall()),)),
            (time, "strftime"): tuple_at(time.strftime),
            (uuid, "uuid4"): uuid4,
            (os, "_exit"): exit_now,
            (signal, "signal"): set_signal,
            (signal, "getsignal"): get_signal,
        }
        saved: dict[tuple[Any, str], Any] = {}
        for (owner, name), replacement in replacements.items():
            real = getattr(owner, name)
            saved[(owner, name)] = real
            setattr(owner, name, _for_scripts(current, replacement, real))
        return saved


def _for_scripts(
    current: Callable[[], ScriptContext | None],
    replacement: Callable[..., Any],
    real: Callable[..., Any],
) -> Callable[..., Any]:
    """``replacement`` in script threads, ``real`` everywhere else."""

    def dispatch(*args: Any, **kwargs: Any) -> Any:
        if current() is None:
            return real(*args, **kwargs)
        return replacement(*args, **kwargs)

    dispatch.__name__ = getattr(real, "__name__", "function")
    dispatch.__doc__ = getattr(real, "__doc__", None)
    return dispatch


def _environ_data() -> dict[Any, Any]:
    """A cheap copy of the process environment, for comparisons only (CPython keeps it as
    a dict of bytes in ``os.environ._data``; elsewhere, a plain copy)."""
    data = getattr(os.environ, "_data", None)
    return dict(data) if isinstance(data, dict) else dict(os.environ)


def _environ_is(snapshot: dict[Any, Any] | None) -> bool:
    """True if the process environment is still ``snapshot`` (of :func:`_environ_data`)."""
    data = getattr(os.environ, "_data", None)
    return snapshot == (data if isinstance(data, dict) else dict(os.environ))


def _apply_environment(env: dict[str, str]) -> None:
    current = os.environ
    for name in [name for name in current if name not in env]:
        del current[name]
    for name, value in env.items():
        if current.get(name) != value:
            current[name] = value


__all__ = ["ALIASES", "EPOCH", "Sandbox", "SandboxStatistics", "ScriptContext", "ScriptExit"]
