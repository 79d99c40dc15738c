"""The `mqsim run` command: options, console output, exit codes and one-line errors."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pytest

from mqsim.cli import main
from mqsim.cli_run import _printer
from mqsim.clients.runner import OutputLine

TICKER = """\
import sys, time
try:
    for n in range(int(sys.argv[1])):
        time.sleep(1)
        print("tick", n)
except KeyboardInterrupt:
    print("interrupted")
"""


@pytest.fixture
def scripts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with ticker.py and fail.py, made the current directory."""
    (tmp_path / "ticker.py").write_text(TICKER)
    (tmp_path / "fail.py").write_text("raise RuntimeError('no broker')\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_run_prints_prefixed_lines_and_exits_zero(
    scripts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each line shows the simulated time and the script; the steps run as in a shell."""
    code = main(["run", "ticker.py 100 &", "sleep:1500ms", "ticker.py 1", "--until", "3s"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines() == [
        "[  1.000s ticker.py#1] tick 0",
        "[  2.000s ticker.py#1] tick 1",
        "[  2.500s ticker.py#2] tick 0",
        "[  3.000s ticker.py#1] tick 2",
        "[  3.000s ticker.py#1] interrupted",
    ]


def test_same_seed_gives_byte_identical_output(
    scripts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two runs with one seed print exactly the same bytes."""
    argv = ["run", "ticker.py 3 &", "ticker.py 2", "--seed", "11", "--latency", "5ms"]
    main(argv)
    first = capsys.readouterr().out
    main(argv)
    assert capsys.readouterr().out == first


def test_a_failing_foreground_script_makes_the_exit_code_non_zero(
    scripts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The traceback is shown with the script's prefix and `mqsim run` exits with 1."""
    code = main(["run", "fail.py"])
    out = capsys.readouterr().out
    assert code == 1
    assert "[  0.000s fail.py] RuntimeError: no broker" in out.splitlines()


def test_trace_and_log_dir_are_written(scripts: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--trace writes JSON Lines; --log-dir one unprefixed log per script step."""
    code = main(
        [
            "run",
            "ticker.py 2",
            "--trace",
            "out.jsonl",
            "--log-dir",
            "logs",
            "--fault",
            "crash ticker.py@5s",
        ]
    )
    capsys.readouterr()
    assert code == 0
    assert (scripts / "logs" / "1-ticker.py.log").read_text() == "tick 0\ntick 1\n"
    for line in (scripts / "out.jsonl").read_text().splitlines():
        assert isinstance(json.loads(line), dict)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "missing.py"], "step 1 ('missing.py'): no such script: 'missing.py'"),
        (["run", "ticker.py", "--until", "soon"], "--until: cannot read 'soon' as a duration"),
        (["run", "ticker.py", "--latency", "-1"], "--latency: cannot read '-1'"),
        (["run", "sleep:forever"], "step 1 ('sleep:forever'): cannot read 'forever'"),
        (["run", "ticker.py", "--fault", "crash ticker.py"], "fault 'crash ticker.py': expected"),
        (["run", "ticker.py", "--fault", "melt ticker.py@1s"], "unknown action 'melt'"),
        (["run", "ticker.py", "--fault", "crash other.py@1s"], "no script or node named"),
        (["run", "ticker.py", "--log-dir", "ticker.py"], "log-dir: cannot write"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(
    scripts: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    """Mistakes in steps, durations, faults or paths: `mqsim: error: ...`, exit code 2."""
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("mqsim: error: ")
    assert message in err
    assert err.count("\n") == 1


def test_the_working_directory_is_the_shells(
    scripts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A script in a sub-folder runs with the current directory as its working directory."""
    (scripts / "sub").mkdir()
    (scripts / "sub" / "where.py").write_text("import os\nprint(os.getcwd())\n")
    main(["run", "sub/where.py"])
    assert capsys.readouterr().out == f"[  0.000s where.py] {os.getcwd()}\n"


def test_a_terminal_gets_the_same_text_in_colour() -> None:
    """On a terminal, rich colours the line; its text is the plain line's."""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    line = OutputLine(1.25, "send.py", 1, "stderr", "[x] oops [bold]not markup[/bold]")
    _printer(screen)(line)
    shown = screen.getvalue()
    assert "\x1b[" in shown
    assert re.sub(r"\x1b\[[0-9;]*m", "", shown) == line.format() + "\n"
