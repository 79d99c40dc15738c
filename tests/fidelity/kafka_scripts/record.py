"""Record what the scenarios' confluent-kafka scripts print against librdkafka's mock cluster.

Run by hand (it takes wall time: group joins on the mock take seconds), from the repo root:

    python tests/fidelity/kafka_scripts/record.py                 # every scenario
    python tests/fidelity/kafka_scripts/record.py NAME ...        # some of them
    python tests/fidelity/kafka_scripts/record.py --repeat 3 ...  # and check determinism

Each scenario folder ``scenarios/<name>/`` holds ordinary confluent-kafka scripts and a
``scenario.json`` with the ``steps`` (the step list ``mqsim run`` takes: ``"consumer.py &"``
in the background, ``"producer.py"`` in the foreground, ``"sleep:5s"``). For each scenario
the recorder starts a fresh mock cluster (``/work/shared/oracle/kafka/mock_cluster.py``, or
``$KAFKA_ORACLE``), pre-created with the topics named by the ``setup.py NAME:PARTITIONS``
step (the mock has no CreateTopics), with the mock's default group initial rebalance delay
(3000 ms, as Kafka's and mqsim's default world), then runs the steps as a shell would, with
``BOOTSTRAP`` set to the mock's bootstrap servers, and writes what each script printed on
stdout to ``expected/<step number>-<script>.out`` and the exit codes to
``expected/status.json`` (a script killed by signal N: 128 + N). ``faults``
(``"crash worker.py@6s"``, as ``mqsim run`` takes them) SIGKILL a script that many
seconds after the first step started. Background scripts still running after the last step
get SIGINT (Ctrl+C) after ``interrupt_after`` seconds if the scenario says so (as ``mqsim run``
interrupts them at its horizon); else, or if they still run 120 s later, they are killed
and the scenario fails to record. With ``--repeat N`` the scenario is recorded N times and only
written if every run printed the same.

Scenarios with several consumer processes in one group rely on their joining within that
3 s delay, and on no commit racing a rebalance (the mock answers REBALANCE_IN_PROGRESS to a
commit while it rebalances); record them with ``--repeat`` on a quiet machine.

Uses the real confluent-kafka (the ``test`` extra); ``mqsim`` only to parse steps the way
``mqsim run`` does.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from mqsim.clients.runner import ScriptFault, Step, parse_fault, parse_step

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE / "scenarios"
ORACLE = Path(os.environ.get("KAFKA_ORACLE", "/work/shared/oracle/kafka"))
STEP_TIMEOUT = 120.0


def load(name: str) -> tuple[Path, list[Step], dict[str, Any]]:
    """The scenario's folder, its parsed steps and its spec."""
    folder = SCENARIOS / name
    spec = json.loads((folder / "scenario.json").read_text())
    steps = [parse_step(text, number=n, cwd=folder) for n, text in enumerate(spec["steps"], 1)]
    return folder, steps, spec


def out_name(number: int, step: Step) -> str:
    """``expected/<step number>-<script file name>.out``."""
    return f"{number}-{step.name}.out"


def topics_of(steps: list[Step]) -> list[str]:
    """The ``NAME:PARTITIONS`` arguments of the ``setup.py`` steps."""
    return [arg for step in steps if step.name == "setup.py" for arg in step.args]


class MockCluster:
    """mock_cluster.py in its own process, until stopped."""

    def __init__(self, topics: list[str], workdir: Path) -> None:
        command = [sys.executable, str(ORACLE / "mock_cluster.py"), "--seconds", "900"]
        for topic in topics:
            command += ["--topic", topic]
        self.log = open(workdir / "mock.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self.log, text=True)
        assert self.process.stdout is not None
        self.bootstrap = self.process.stdout.readline().strip()
        if not self.bootstrap:
            raise RuntimeError(f"mock cluster did not start: {command}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)
        self.log.close()


def run_once(name: str) -> dict[str, Any]:
    """Run the scenario against a fresh mock cluster; outputs and exit codes by step."""
    folder, steps, spec = load(name)
    with tempfile.TemporaryDirectory(prefix=f"kafka-{name}-") as tmp:
        work = Path(tmp)
        mock = MockCluster(topics_of(steps), work)
        try:
            return _run_steps(
                folder,
                steps,
                mock.bootstrap,
                work,
                spec.get("interrupt_after"),
                [parse_fault(text) for text in spec.get("faults", [])],
            )
        finally:
            mock.stop()


def _run_steps(
    folder: Path,
    steps: list[Step],
    bootstrap: str,
    work: Path,
    interrupt_after: float | None,
    faults: list[ScriptFault],
) -> dict[str, Any]:
    running: list[tuple[int, Step, subprocess.Popen[bytes]]] = []
    timers = [threading.Timer(fault.at, _crash, (fault, running)) for fault in faults]
    for timer in timers:
        timer.start()
    for number, step in enumerate(steps, 1):
        if step.kind == "sleep":
            time.sleep(step.duration)
            continue
        env = dict(os.environ, BOOTSTRAP=bootstrap, PYTHONUNBUFFERED="1")
        env.update(step.env)
        with (
            open(work / f"{number}.stdout", "wb") as out,
            open(work / f"{number}.stderr", "wb") as err,
        ):
            process = subprocess.Popen(
                [sys.executable, step.script, *step.args],
                cwd=folder,
                env=env,
                stdout=out,
                stderr=err,
            )
        running.append((number, step, process))
        if not step.background:
            try:
                process.wait(STEP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    if interrupt_after is not None:
        time.sleep(interrupt_after)
        for _ in range(3):  # once seen lost on a loaded machine: try again after a while
            for _, _, process in running:
                if process.poll() is None:
                    process.send_signal(signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                for _, _, process in running:
                    process.wait(10)
    deadline = time.monotonic() + STEP_TIMEOUT
    for _, _, process in running:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for timer in timers:
        timer.cancel()
    result: dict[str, Any] = {"outputs": {}, "status": []}
    for number, step, process in running:
        stdout = (work / f"{number}.stdout").read_text()
        stderr = (work / f"{number}.stderr").read_text()
        result["outputs"][out_name(number, step)] = stdout
        # killed by signal N: 128 + N, as a shell (and mqsim run) reports it
        code = process.returncode if process.returncode >= 0 else 128 - process.returncode
        result["status"].append({"step": step.text, "exit": code})
        if process.returncode != 0 and stderr:
            print(f"--- step {number} {step.text!r} exit {process.returncode}:\n{stderr}")
    return result


def _crash(fault: ScriptFault, running: list[tuple[int, Step, subprocess.Popen[bytes]]]) -> None:
    """``crash SCRIPT@T``: SIGKILL the script's process(es) T seconds after the first step."""
    if fault.action != "crash":
        raise ValueError(f"the recorder only knows crash faults of scripts: {fault.text!r}")
    for _, step, process in list(running):
        if step.name == fault.target and process.poll() is None:
            process.kill()


def record(name: str, repeat: int) -> bool:
    runs = [run_once(name) for _ in range(repeat)]
    first = runs[0]
    for index, other in enumerate(runs[1:], 2):
        if other != first:
            print(f"{name}: run {index} differs from run 1; not written")
            for key, text in first["outputs"].items():
                if other["outputs"].get(key) != text:
                    print(f"  {key}:\n{text}  ---- vs ----\n{other['outputs'].get(key)}")
            if other["status"] != first["status"]:
                print(f"  status {first['status']} vs {other['status']}")
            return False
    expected = SCENARIOS / name / "expected"
    expected.mkdir(exist_ok=True)
    for old in expected.glob("*.out"):
        old.unlink()
    for key, text in first["outputs"].items():
        (expected / key).write_text(text)
    (expected / "status.json").write_text(json.dumps(first["status"], indent=2) + "\n")
    print(f"{name}: recorded ({repeat} run{'s' if repeat > 1 else ''})")
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="scenario names (default: all)")
    parser.add_argument("--repeat", type=int, default=1, help="runs that must agree")
    parser.add_argument("--jobs", type=int, default=4, help="scenarios recorded at once")
    args = parser.parse_args()
    names = args.names or sorted(p.parent.name for p in SCENARIOS.glob("*/scenario.json"))
    with ThreadPoolExecutor(args.jobs) as pool:
        ok = list(pool.map(lambda name: record(name, args.repeat), names))
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())
