"""Record what the pika scripts in ``scenarios/`` print against a REAL RabbitMQ.

NOT run by CI (and not collected by pytest): it needs a real broker on localhost:5672 and the
real pika installed. The recordings it writes (``scenarios/<name>/expected/``) are what
``test_scripts_match_rabbitmq.py`` compares mqsim's ``mqsim run`` of the same scripts with.

Usage (as root on the sandbox, see /work/shared/oracle/rabbitmq/HOWTO.md)::

    /work/shared/oracle/rabbitmq/broker.sh start
    python3 tests/fidelity/rabbitmq_scripts/record.py            # every scenario
    python3 tests/fidelity/rabbitmq_scripts/record.py rpc dlx_ttl  # some of them
    python3 tests/fidelity/rabbitmq_scripts/record.py --out /tmp/again  # does it repeat?
    cd tests/fidelity/rabbitmq_scripts
    diff -r --exclude=*.py --exclude=scenario.json /tmp/again scenarios
    /work/shared/oracle/rabbitmq/broker.sh stop

A scenario is a folder with scripts and ``scenario.json``: ``{"steps": [...], "comment": ...}``
and optionally ``"until"`` (mqsim's horizon), ``"ready"`` and ``"interrupt"``. The steps are
``mqsim run``'s (parsed with :func:`mqsim.clients.runner.parse_step`) and are run here the way
a person at a shell runs them, with the real Python and pika:

- ``"script.py args &"`` starts the script in the background; the next step starts once the
  script has printed a line containing the scenario's ``ready`` text (default ``Waiting``),
  i.e. once it has declared, bound and started consuming -- what a person waits for before
  typing the next command. A background script must print such a line.
- ``"script.py args"`` runs it in the foreground and waits for it to exit;
- ``"sleep:2s"`` sleeps.

After the last step the recorder waits for every background script to exit by itself (most
are written to stop: after N messages or an inactivity timeout). With ``"interrupt": "10s"``
it waits that long and then presses Ctrl+C (SIGINT) in the scripts still running, for
scripts that consume forever as the tutorials' do; ``mqsim run`` interrupts them the same
way once nothing can happen any more. Dying of an unhandled KeyboardInterrupt is recorded as
exit code 130, what ``mqsim run`` reports. Before each scenario the
broker is reset (``broker.sh reset``: no queues, exchanges or bindings left over).

For each script step it writes ``expected/<step>-<script>.out`` (its stdout, unbuffered),
and ``expected/steps.json``: per step its exit code and, if it failed, the last line of its
stderr (the exception line of the traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from mqsim.clients.runner import Step, parse_step
from mqsim.sim import parse_duration

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE / "scenarios"
BROKER = Path(os.environ.get("MQSIM_BROKER_SH", "/work/shared/oracle/rabbitmq/broker.sh"))
READY_TIMEOUT = 30.0
EXIT_TIMEOUT = 120.0


class Proc:
    """One script run as a real subprocess, its stdout and stderr collected line by line."""

    def __init__(self, step: Step, cwd: Path) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        env.update(step.env)
        self.step = step
        self.popen = subprocess.Popen(
            [sys.executable, step.script, *step.args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self.changed = threading.Condition()
        self.readers = [
            threading.Thread(target=self._read, args=(self.popen.stdout, self.stdout), daemon=True),
            threading.Thread(target=self._read, args=(self.popen.stderr, self.stderr), daemon=True),
        ]
        for reader in self.readers:
            reader.start()

    def _read(self, stream: object, into: list[str]) -> None:
        assert stream is not None
        for line in stream:  # type: ignore[attr-defined]
            with self.changed:
                into.append(line)
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def wait_ready(self, text: str) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        with self.changed:
            while not any(text in line for line in self.stdout):
                if self.popen.poll() is not None and not self.readers[0].is_alive():
                    raise SystemExit(f"{self.step.text!r} exited before printing {text!r}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SystemExit(f"{self.step.text!r} did not print {text!r} in time")
                self.changed.wait(min(left, 0.5))

    def wait(self) -> int:
        try:
            code = self.popen.wait(EXIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            raise SystemExit(f"{self.step.text!r} did not exit in {EXIT_TIMEOUT:g} s") from None
        for reader in self.readers:
            reader.join()
        return code


def reset_broker() -> None:
    subprocess.run(["sh", str(BROKER), "reset"], check=True, capture_output=True)


def record(scenario: Path, out: Path) -> None:
    config = json.loads((scenario / "scenario.json").read_text(encoding="utf-8"))
    ready = config.get("ready", "Waiting")
    steps = [parse_step(text, number=n, cwd=scenario) for n, text in enumerate(config["steps"], 1)]
    started = time.monotonic()
    reset_broker()
    reset = time.monotonic() - started
    procs: list[tuple[int, Proc]] = []
    try:
        for number, step in enumerate(steps, 1):
            if step.kind == "sleep":
                time.sleep(step.duration)
                continue
            proc = Proc(step, scenario)
            procs.append((number, proc))
            if step.background:
                proc.wait_ready(ready)
            else:
                proc.wait()
        if "interrupt" in config:
            time.sleep(parse_duration(config["interrupt"], field="interrupt"))
            for _, proc in procs:
                if proc.popen.poll() is None:
                    proc.popen.send_signal(signal.SIGINT)
    except BaseException:
        for _, proc in procs:
            if proc.popen.poll() is None:
                proc.popen.kill()
        raise
    results = []
    expected = out / "expected"
    if expected.exists():
        shutil.rmtree(expected)
    expected.mkdir(parents=True)
    for number, proc in procs:
        code = proc.wait()
        name = f"{number}-{proc.step.name}"
        (expected / f"{name}.out").write_text("".join(proc.stdout), encoding="utf-8")
        if code == -signal.SIGINT:
            code = 130  # died of an unhandled KeyboardInterrupt
        entry: dict[str, object] = {"step": number, "text": proc.step.text, "exit_code": code}
        if code not in (0, 130):
            entry["error"] = proc.stderr[-1].rstrip("\n") if proc.stderr else ""
        elif code == 0 and proc.stderr:
            raise SystemExit(f"{scenario.name}: {name} wrote to stderr:\n{''.join(proc.stderr)}")
        results.append(entry)
    (expected / "steps.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    took = time.monotonic() - started - reset
    print(f"{scenario.name}: {len(procs)} script run(s) in {took:.1f} s (reset {reset:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", help="scenario names (default: all)")
    parser.add_argument("--out", type=Path, help="write recordings under this folder instead")
    args = parser.parse_args()
    names = args.scenarios or sorted(p.parent.name for p in SCENARIOS.glob("*/scenario.json"))
    for name in names:
        scenario = SCENARIOS / name
        record(scenario, (args.out / name) if args.out else scenario)


if __name__ == "__main__":
    main()
