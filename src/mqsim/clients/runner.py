"""``mqsim run``: unmodified client scripts together in one simulated world.

A run is a list of steps, read the way a shell session runs commands:

- ``"receive.py arg1 arg2 &"`` starts the script in the background and goes on at once;
- ``"send.py arg1"`` starts it in the foreground: the next step starts when it exits;
- ``"sleep:2s"`` lets two simulated seconds pass.

A step's words are split as a shell splits them (:func:`shlex.split`); leading
``NAME=value`` words set environment variables for that script, and a leading ``python``
or ``python3`` is skipped, so ``"python send.py"`` works too. Each script runs as its own
simulated process (see :mod:`mqsim.clients.sandbox` for what it sees: its argv, working
directory, environment, ``__main__``, simulated ``time``, and ``import pika`` /
``from confluent_kafka import ...`` resolving to mqsim's facades), against the facades'
default world (:func:`mqsim.clients.default.new_default_world`: RabbitMQ at
``localhost:5672``, Kafka at ``localhost:9092``).

The run ends when every step is done and every script has exited, when nothing can happen
any more, or at the horizon (``until``, five simulated minutes by default). Scripts still
running then get :class:`mqsim.sim.Interrupted` (a ``KeyboardInterrupt``, as on Ctrl+C, or
their own SIGINT handler is called), have ``grace`` simulated seconds to clean up, and are
then killed. Being interrupted that way is normal, not a failure: the console shows one
runner line instead of Python's traceback. A script that raises shows its traceback (only
its own frames; mqsim's are left out) and fails with status 1; ``sys.exit(n)`` and
``os._exit(n)`` end it with status ``n``. The run's exit code is 1 if a foreground step
failed, else 0 (a background failure is shown but, as in a shell, does not set it).

Faults (``crash receive.py@3s``, ``restart localhost:5672@10s``) crash or restart a script
or a node. Crashing a script kills it like SIGKILL: each node it created crashes
(:meth:`World.crash`, so the facades drop its connections) and its thread unwinds with
:class:`mqsim.sim.Killed` without printing anything more; restarting a script kills it if it
runs and starts it again from the top, as a new process. The run waits for scheduled
script restarts before it ends.

Output: every line a script prints becomes an :class:`OutputLine`; formatted, it is
``[  0.012s receive.py]  [x] Received b'...'`` (simulated time, then the step's label:
the script's file name, with ``#2``, ``#3``... when several steps run the same file).
Runner notes (faults, interrupts, failures) use the label ``mqsim``. Everything is a
function of the steps and the seed: the same inputs give byte-identical output.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import sys
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import mqsim
from mqsim.clients.default import new_default_world, using
from mqsim.clients.sandbox import ALIASES, Sandbox, ScriptContext, ScriptExit
from mqsim.sim import Interrupted, InvalidArgument, Latency, SimulationBug, parse_duration

if TYPE_CHECKING:
    from mqsim.sim import Duration, Program, Timer, World

RUNNER = "mqsim"
"""The label of the runner's own output lines."""

DEFAULT_GRACE = 5.0
#: The longest a background step delays the next one while it settles into waiting.
HEAD_START = 5.0
"""Simulated seconds interrupted scripts get to clean up before they are killed."""

_MQSIM_DIR = os.path.dirname(os.path.abspath(mqsim.__file__)) + os.sep
_ENV_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


# -- steps and faults, parsed -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a run: a script (foreground or background) or a sleep."""

    text: str
    kind: str  # "script" or "sleep"
    script: str = ""
    args: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    background: bool = False
    duration: float = 0.0

    @property
    def name(self) -> str:
        """The script's file name (``sleep`` for a sleep step)."""
        return os.path.basename(self.script) if self.kind == "script" else "sleep"


def parse_step(text: str, *, number: int = 1, cwd: str | os.PathLike[str] | None = None) -> Step:
    """Read one step (see the module doc); bad input raises :class:`InvalidArgument`.

    With ``cwd``, a script that does not exist there is an error.
    """
    where = f"step {number} ({text!r})"
    if not isinstance(text, str):
        raise InvalidArgument(f"step {number}: expected a string, got {type(text).__name__}")
    stripped = text.strip()
    for prefix in ("sleep:", "sleep "):
        if stripped.startswith(prefix):
            seconds = parse_duration(stripped[len(prefix) :].strip(), field=where)
            return Step(text, "sleep", duration=seconds)
    try:
        words = shlex.split(stripped)
    except ValueError as error:
        raise InvalidArgument(f"{where}: cannot split it into words: {error}") from None
    background = False
    if words and words[-1] == "&":
        background, words = True, words[:-1]
    elif words and words[-1].endswith("&") and not stripped.endswith("\\&"):
        background, words = True, [*words[:-1], words[-1][:-1]]
    env: list[tuple[str, str]] = []
    while words and _ENV_WORD.match(words[0]):
        name, _, value = words.pop(0).partition("=")
        env.append((name, value))
    if words and words[0] in ("python", "python3", sys.executable):
        words = words[1:]
    if not words:
        raise InvalidArgument(f"{where}: no script to run; write e.g. 'send.py' or 'sleep:2s'")
    script, *args = words
    if cwd is not None and not os.path.isfile(os.path.join(os.fspath(cwd), script)):
        raise InvalidArgument(f"{where}: no such script: {script!r}")
    return Step(text, "script", script, tuple(args), tuple(env), background)


@dataclass(frozen=True, slots=True)
class ScriptFault:
    """``crash`` or ``restart`` of a script or a node at simulated time ``at``."""

    text: str
    action: str
    target: str
    at: float


FAULT_ACTIONS = ("crash", "restart")


def parse_fault(text: str) -> ScriptFault:
    """Read ``'crash receive.py@3s'`` / ``'restart localhost:5672@10s'``."""
    example = "write e.g. 'crash receive.py@3s' or 'restart localhost:5672@10s'"
    if not isinstance(text, str):
        raise InvalidArgument(f"fault: expected a string, got {type(text).__name__}")
    head, at_sign, when = text.strip().rpartition("@")
    words = head.split()
    if not at_sign or len(words) != 2:
        raise InvalidArgument(f"fault {text!r}: expected 'ACTION TARGET@TIME'; {example}")
    action, target = words
    if action not in FAULT_ACTIONS:
        raise InvalidArgument(
            f"fault {text!r}: unknown action {action!r}; expected one of {', '.join(FAULT_ACTIONS)}"
        )
    at = parse_duration(when, field=f"fault {text!r}: time")
    return ScriptFault(text, action, target, at)


# -- results ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutputLine:
    """One line of output: a script's (``stdout``/``stderr``) or the runner's (``mqsim``)."""

    time: float
    label: str
    step: int
    stream: str
    text: str

    def format(self) -> str:
        """The console form: ``[  1.250s send.py]  [x] Sent ...``."""
        return f"[{self.time:7.3f}s {self.label}] {self.text}"


@dataclass(frozen=True, slots=True)
class StepResult:
    """How a step ended. ``status``: ``exited`` (status 0), ``failed`` (an exception or a
    non-zero exit), ``interrupted`` (at the horizon or when nothing could happen any more),
    ``killed`` (by a crash fault or after the grace period), ``slept``, ``not started``.
    ``nodes``: the world nodes (client connections...) its runs created, in order."""

    number: int
    text: str
    label: str
    background: bool
    status: str
    exit_code: int | None
    runs: int
    started: float | None
    ended: float | None
    output: tuple[OutputLine, ...]
    nodes: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        """True if the step's (last) run failed."""
        return self.status == "failed"


@dataclass(frozen=True, slots=True)
class RunResult:
    """Everything a run produced. ``ended``: ``done``, ``idle`` or ``horizon``."""

    steps: tuple[StepResult, ...]
    lines: tuple[OutputLine, ...]
    world: World
    ended: str
    time: float
    turns: int = 0

    @property
    def exit_code(self) -> int:
        """1 if a foreground step failed, else 0."""
        return 1 if any(s.failed and not s.background for s in self.steps) else 0

    def text(self) -> str:
        """The console output, one formatted line each (what ``mqsim run`` prints)."""
        return "".join(line.format() + "\n" for line in self.lines)

    def output(self, label: str) -> list[str]:
        """The lines the step(s) labelled ``label`` printed (stdout and stderr)."""
        return [line.text for line in self.lines if line.label == label]

    def statistics(self) -> RunStatistics:
        """Counts of steps by status, output lines and the end."""
        counts: dict[str, int] = {}
        for step in self.steps:
            counts[step.status] = counts.get(step.status, 0) + 1
        return RunStatistics(
            self.ended,
            self.time,
            tuple(sorted(counts.items())),
            len(self.lines),
            self.turns,
            self.exit_code,
        )


@dataclass(frozen=True, slots=True)
class RunStatistics:
    """A summary of a :class:`RunResult`: how it ended and when, steps per status, output
    lines, turns (script threads resumed: one per blocking call) and the exit code."""

    ended: str
    time: float
    steps: tuple[tuple[str, int], ...]
    lines: int
    turns: int
    exit_code: int


# -- the run ----------------------------------------------------------------------------


@dataclass(eq=False)
class _StepState:
    number: int
    step: Step
    label: str
    program: Program | None = None
    runs: int = 0
    status: str = "not started"
    exit_code: int | None = None
    started: float | None = None
    ended: float | None = None
    output: list[OutputLine] = field(default_factory=list)
    programs: list[Program] = field(default_factory=list)


def run(
    steps: Sequence[str | Step],
    *,
    seed: int = 0,
    until: Duration = "5m",
    grace: Duration = DEFAULT_GRACE,
    latency: Duration | None = None,
    faults: Iterable[str | ScriptFault] = (),
    trace: str | os.PathLike[str] | None = None,
    log_dir: str | os.PathLike[str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    env: dict[str, str] | None = None,
    echo: Callable[[OutputLine], None] | None = None,
    world: World | None = None,
) -> RunResult:
    """Run ``steps`` (see the module doc) in a fresh default world and return the result.

    ``cwd`` (default: the current directory) is where scripts are looked up and what they
    see as their working directory; ``env`` (default: ``os.environ``) their environment.
    ``echo`` is called with each output line as it appears; ``trace`` writes the world's
    trace as JSON Lines; ``log_dir`` gets each script step's own output, unprefixed, in
    ``<step number>-<script file name>.log``. ``world`` replaces the fresh default world
    (it must be new: nothing run in it yet). Bad input raises :class:`InvalidArgument`.
    """
    directory = os.path.abspath(os.fspath(cwd) if cwd is not None else os.getcwd())
    if not os.path.isdir(directory):
        raise InvalidArgument(f"cwd: no such directory: {directory!r}")
    parsed = [
        s if isinstance(s, Step) else parse_step(s, number=n, cwd=directory)
        for n, s in enumerate(steps, 1)
    ]
    if not parsed:
        raise InvalidArgument("steps: nothing to run; give at least one script")
    horizon = parse_duration(until, field="until")
    grace_s = parse_duration(grace, field="grace")
    fault_list = [f if isinstance(f, ScriptFault) else parse_fault(f) for f in faults]
    if world is None:
        world = new_default_world(seed, until=horizon)
    if latency is not None:
        world.net.default_latency = Latency.parse(latency, field="latency")
    runner = _Runner(world, parsed, directory, dict(os.environ if env is None else env), echo)
    runner.schedule_faults(fault_list)
    result = runner.execute(horizon, grace_s, seed)
    if trace is not None:
        world.trace.write_jsonl(os.fspath(trace))
    if log_dir is not None:
        _write_logs(Path(log_dir), result)
    return result


def _labels(steps: Sequence[Step]) -> list[str]:
    names = [s.name for s in steps]
    labels: list[str] = []
    seen: dict[str, int] = {}
    for step, name in zip(steps, names, strict=True):
        if (
            step.kind != "script"
            or sum(1 for s in steps if s.kind == "script" and s.name == name) == 1
        ):
            labels.append(name)
            continue
        seen[name] = seen.get(name, 0) + 1
        labels.append(f"{name}#{seen[name]}")
    return labels


class _Runner:
    """The state of one run: the step sequence, the scripts' programs, the faults."""

    def __init__(
        self,
        world: World,
        steps: list[Step],
        cwd: str,
        env: dict[str, str],
        echo: Callable[[OutputLine], None] | None,
    ) -> None:
        self.world = world
        self.driver = world.programs
        self.cwd = cwd
        self.env = env
        self.echo = echo
        self.states = [
            _StepState(n, step, label)
            for n, (step, label) in enumerate(zip(steps, _labels(steps), strict=True), 1)
        ]
        self.lines: list[OutputLine] = []
        self.path = list(sys.path)
        self.sandbox: Sandbox | None = None
        self._next = 0
        self._waiting: _StepState | None = None
        self._stopping = False
        self._pending_restarts = 0
        self._fault_timers: list[Timer] = []
        self._finished = world.event()
        self._settling: Program | None = None
        self._settle_by = 0.0
        self._by_context: dict[int, _StepState] = {}

    def __repr__(self) -> str:
        return f"<Runner steps={len(self.states)} next={self._next} now={self.world.now:g}>"

    # -- output ---------------------------------------------------------------------------

    def _line(self, state: _StepState | None, stream: str, text: str) -> None:
        label = state.label if state is not None else RUNNER
        line = OutputLine(self.world.now, label, state.number if state else 0, stream, text)
        self.lines.append(line)
        if state is not None:
            state.output.append(line)
        if self.echo is not None:
            self.echo(line)

    def _note(self, text: str) -> None:
        self._line(None, RUNNER, text)

    def _emit(self, context: ScriptContext, stream: str, text: str) -> None:
        self._line(self._by_context[id(context)], stream, text)

    # -- faults ---------------------------------------------------------------------------

    def schedule_faults(self, faults: list[ScriptFault]) -> None:
        scripts = {s.label for s in self.states if s.step.kind == "script"}
        names = {s.step.name for s in self.states if s.step.kind == "script"}
        for fault in sorted(faults, key=lambda f: f.at):
            targets = self._targets(fault.target)
            if not targets and not self.world.has_node(fault.target):
                known = ", ".join(sorted(scripts | names)) or "none"
                nodes = ", ".join(self.world.nodes) or "none"
                raise InvalidArgument(
                    f"fault {fault.text!r}: no script or node named {fault.target!r}"
                    f" (scripts: {known}; nodes: {nodes})"
                )
            if targets and fault.action == "restart":
                self._pending_restarts += 1
            self._fault_timers.append(self.world.call_at(fault.at, self._apply, fault, targets))

    def _targets(self, target: str) -> list[_StepState]:
        scripts = [s for s in self.states if s.step.kind == "script"]
        if target.isdigit():
            return [s for s in scripts if s.number == int(target)]
        exact = [s for s in scripts if s.label == target]
        return exact or [s for s in scripts if s.step.name == target]

    def _apply(self, fault: ScriptFault, targets: list[_StepState]) -> None:
        if not targets:
            self._note(f"{fault.action} {fault.target}")
            if fault.action == "crash":
                self.world.crash(fault.target)
            else:
                self.world.restart(fault.target)
            return
        if fault.action == "restart":
            self._pending_restarts -= 1
        for state in targets:
            program = state.program
            if program is None:
                self._note(f"{fault.action} {state.label}: not started yet, nothing to do")
                continue
            self._note(f"{fault.action} {state.label}")
            if not program.finished:
                self._kill(program)
            if fault.action == "restart" and not self._stopping:
                self._start(state)
        self._check_finished()

    def _kill(self, program: Program) -> None:
        context = program.context
        if isinstance(context, ScriptContext):
            context.muted = True
        self.driver.kill_process(program)

    # -- steps ----------------------------------------------------------------------------

    def _advance(self) -> None:
        """Start steps until one has to be waited for (a foreground script or a sleep)."""
        while not self._stopping and self._next < len(self.states):
            state = self.states[self._next]
            self._next += 1
            step = state.step
            if step.kind == "sleep":
                state.status, state.started = "sleeping", self.world.now
                self.world.call_later(step.duration, self._slept, state)
                return
            self._start(state)
            if not step.background:
                self._waiting = state
                return
            program = state.program
            assert program is not None
            if not program.settled.triggered:
                # As a shell user waits to see a background consumer settle into waiting
                # before typing the next command, the next step starts once it has (at
                # most HEAD_START later: some scripts never wait for incoming work).
                self._settling = program
                self._settle_by = self.world.now + HEAD_START
                program.settled.callbacks.append(partial(self._on_settled, program))
                return
        self._check_finished()

    def _slept(self, state: _StepState) -> None:
        state.status, state.ended = "slept", self.world.now
        self._advance()

    def _start(self, state: _StepState) -> None:
        step = state.step
        env = dict(self.env)
        env.update(step.env)
        context = ScriptContext(
            state.label, step.script, step.args, cwd=self.cwd, env=env, path=list(self.path)
        )
        assert self.sandbox is not None
        self.sandbox.adopt(context)
        self._by_context[id(context)] = state
        program = self.driver.spawn(state.label, context.execute)
        program.context = context
        state.program = program
        state.programs.append(program)
        state.runs += 1
        state.status, state.exit_code = "running", None
        state.started, state.ended = self.world.now, None
        program.done.callbacks.append(lambda _event: self._ended(state, program))

    def _ended(self, state: _StepState, program: Program) -> None:
        context = program.context
        assert isinstance(context, ScriptContext)
        context.flush_partial()
        if not program.killed:
            # The process exits: the OS closes whatever connections the script left open.
            for node in program.nodes:
                if self.world.has_node(node) and self.world.is_up(node):
                    self.world.exit_node(node)
        if state.program is not program:
            return
        status, code = self._outcome(state, program)
        state.status, state.exit_code, state.ended = status, code, self.world.now
        if state is self._waiting:
            self._waiting = None
            self._advance()
        self._check_finished()

    def _outcome(self, state: _StepState, program: Program) -> tuple[str, int]:
        error = program.error
        context = program.context
        assert isinstance(context, ScriptContext)
        if program.killed:
            return "killed", 137
        if error is None:
            return "exited", 0
        if isinstance(error, ScriptExit):
            code = error.code
        elif isinstance(error, SystemExit):
            if error.code is None or isinstance(error.code, int):
                code = error.code or 0
            else:
                context.write("stderr", f"{error.code}\n")
                code = 1
        elif isinstance(error, KeyboardInterrupt):
            reason = error.reason if isinstance(error, Interrupted) else ""
            why = _WHY.get(reason, "")
            self._note(f"{state.label}: interrupted{why} (KeyboardInterrupt)")
            return "interrupted", 130
        else:
            for line in format_error(error, self.cwd):
                context.write("stderr", line + "\n")
            code = 1
        if code != 0:
            self._note(f"{state.label}: exited with status {code}")
            return "failed", code
        return "exited", 0

    def _check_finished(self) -> None:
        if self._finished.triggered or self._pending_restarts:
            return
        if self._next < len(self.states) or self._waiting is not None:
            return
        if any(s.status == "sleeping" for s in self.states):
            return
        if self.driver.alive():
            return
        self._finished.succeed()

    # -- the whole run --------------------------------------------------------------------

    def execute(self, horizon: float, grace: float, seed: int) -> RunResult:
        world = self.world
        self.sandbox = Sandbox(world, seed=seed, emit=self._emit)
        ended = "done"
        abandoned = False
        with using(world), self.sandbox:
            try:
                self._advance()
                ended = self._drive(horizon)
                if ended != "done":
                    self._stop(ended, grace)
            except KeyboardInterrupt:
                # A real Ctrl+C of the whole run (the scripts' own are simulated): a script
                # thread may be mid-turn, so leave the threads (daemons) parked as they are.
                abandoned = True
                raise
            finally:
                if not abandoned:
                    self.driver.shutdown()
        return self._result(ended)

    def _on_settled(self, program: Program, _event: object) -> None:
        self._settled(program)

    def _settled(self, program: Program) -> None:
        """The background script being waited for has settled (or its head start is over)."""
        if self._settling is program:
            self._settling = None
            self._advance()

    def _drive(self, horizon: float) -> str:
        """Run until done, idle or the horizon. While a background script settles, its
        head start ends at ``_settle_by`` or when nothing else can happen (it waits for
        something no wait marked idle); no timer is scheduled for it, so a settled run
        is not kept alive by one."""
        while True:
            limit = horizon if self._settling is None else min(horizon, self._settle_by)
            ended = self.driver.run(stop=self._finished, horizon=limit)
            if ended == "done":
                return ended
            if self._settling is not None:
                self._settled(self._settling)
                continue
            if ended == "horizon" and self.world.now < horizon:
                continue
            return ended

    def _stop(self, reason: str, grace: float) -> None:
        """Interrupt what still runs, let it clean up for ``grace``, then kill the rest."""
        self._stopping = True
        for timer in self._fault_timers:
            timer.cancel()
        now = self.world.now
        for program in self.driver.alive():
            context = program.context
            handler = context.sigint_handler() if isinstance(context, ScriptContext) else None
            if handler is not None:
                self.driver.deliver(program, _signal_call(handler))
            else:
                self.driver.interrupt(program, Interrupted(reason, now))
        alive = self.driver.alive()
        if not alive:
            return
        self.driver.run(stop=self.world.env.all_of([p.done for p in alive]), horizon=now + grace)
        alive = self.driver.alive()
        for program in alive:
            state = next(s for s in self.states if s.program is program)
            self._note(f"{state.label}: killed after the {grace:g}s grace period")
            self._kill(program)
        if alive:
            self.driver.run(stop=self.world.env.all_of([p.done for p in alive]))

    def _result(self, ended: str) -> RunResult:
        steps = tuple(
            StepResult(
                s.number,
                s.step.text,
                s.label,
                s.step.background,
                s.status,
                s.exit_code,
                s.runs,
                s.started,
                s.ended,
                tuple(s.output),
                tuple(node for p in s.programs for node in p.nodes),
            )
            for s in self.states
        )
        turns = self.sandbox.turns if self.sandbox is not None else 0
        return RunResult(steps, tuple(self.lines), self.world, ended, self.world.now, turns)


# -- helpers ----------------------------------------------------------------------------

_WHY = {"horizon": " at the horizon", "idle": " as nothing can happen any more"}


def _signal_call(handler: Callable[[int, Any], Any]) -> Callable[[], object]:
    def call() -> object:
        return handler(signal.SIGINT, None)

    return call


def format_error(error: BaseException, cwd: str) -> list[str]:
    """Python's traceback of ``error`` without mqsim's own frames, paths relative to ``cwd``.

    A :class:`mqsim.sim.SimulationBug` keeps every frame: it is mqsim's fault, not the script's.
    """
    report = traceback.TracebackException.from_exception(error)
    if isinstance(error, SimulationBug):
        return "".join(report.format()).splitlines()
    _clean(report, cwd + os.sep, set())
    return [_public_name(line) for line in "".join(report.format()).splitlines()]


def _public_name(line: str) -> str:
    """``mqsim.clients.pika.exceptions.X: ...`` -> ``pika.exceptions.X: ...``, the name the
    script imported (exception lines are the only unindented ones naming a module)."""
    for alias, targets in ALIASES.items():
        for target in targets:
            if line.startswith(target + "."):
                return alias + line[len(target) :]
    return line


def _clean(report: traceback.TracebackException, prefix: str, seen: set[int]) -> None:
    if id(report) in seen:
        return
    seen.add(id(report))
    frames = []
    for frame in report.stack:
        if frame.filename.startswith(_MQSIM_DIR) or frame.filename.startswith("<frozen "):
            continue
        _ = frame.line  # read the source line before the file name changes
        if frame.filename.startswith(prefix):
            frame.filename = frame.filename[len(prefix) :]
        frames.append(frame)
    report.stack = traceback.StackSummary.from_list(frames)
    filename = getattr(report, "filename", None)
    if isinstance(filename, str) and filename.startswith(prefix):
        report.filename = filename[len(prefix) :]
    for chained in (report.__cause__, report.__context__):
        if chained is not None:
            _clean(chained, prefix, seen)


def _write_logs(directory: Path, result: RunResult) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for step in result.steps:
            if not step.runs:
                continue
            name = step.label.split("#")[0]
            text = "".join(line.text + "\n" for line in step.output)
            (directory / f"{step.number}-{name}.log").write_text(text, encoding="utf-8")
    except OSError as error:
        raise InvalidArgument(
            f"log-dir: cannot write to {str(directory)!r}: {error.strerror}"
        ) from None


__all__ = [
    "DEFAULT_GRACE",
    "RUNNER",
    "OutputLine",
    "RunResult",
    "RunStatistics",
    "ScriptFault",
    "Step",
    "StepResult",
    "format_error",
    "parse_fault",
    "parse_step",
    "run",
]
