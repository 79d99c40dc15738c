"""Every example in examples/ runs with `mqsim run` and prints exactly its golden output.

The commands are the README's (run from the example's folder). To refresh a golden file
after an intended change: ``MQSIM_UPDATE_GOLDEN=1 python -m pytest tests/unit/clients``,
then read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mqsim.cli import main

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

CASES: list[tuple[str, str, list[str]]] = [
    ("rabbitmq", "receive-send", ["receive.py &", "send.py"]),
    ("rabbitmq", "send-first", ["send.py", "send.py", "receive.py", "--until", "10s"]),
    ("kafka", "producer-consumer", ["producer.py", "consumer.py &", "--until", "30s"]),
    # librdkafka's behaviour, faithfully: a consumer subscribed before the topic exists
    # reports UNKNOWN_TOPIC_OR_PART ("Subscribed topic not available") first.
    ("kafka", "consumer-first", ["consumer.py &", "producer.py"]),
    (
        "order_notifications",
        "fatima-later",
        ["send_order.py 1001 1002", "sleep:10s", "fatima_app.py", "--until", "30s"],
    ),
    (
        "order_notifications",
        "fatima-offline",
        [
            "fatima_app.py &",
            "send_order.py 1001 1002 1003 1004 1005",
            "--fault",
            "crash fatima_app.py@1.5s",
            "--fault",
            "restart fatima_app.py@8s",
            "--until",
            "20s",
        ],
    ),
    (
        "payments",
        "two-services",
        [
            "create_topic.py",
            "payment_service.py invoice_service &",
            "payment_service.py ledger_service &",
            "payment_app.py",
            "--until",
            "30s",
        ],
    ),
    (
        "payments",
        "shared-group",
        [
            "create_topic.py",
            "payment_service.py invoice_service &",
            "payment_service.py invoice_service &",
            "payment_service.py ledger_service &",
            "payment_app.py",
            "--until",
            "30s",
        ],
    ),
]


def command(folder: str, argv: list[str]) -> str:
    """The README form of a case: `cd examples/FOLDER && mqsim run ...`."""
    words = [f"'{word}'" if " " in word or "&" in word else word for word in argv]
    return f"cd examples/{folder} && mqsim run {' '.join(words)}"


@pytest.mark.parametrize(("folder", "name", "argv"), CASES, ids=[c[1] for c in CASES])
def test_example_prints_its_golden_output(
    folder: str,
    name: str,
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The example runs as the README shows it and prints what expected/NAME.out holds."""
    monkeypatch.chdir(EXAMPLES / folder)
    code = main(["run", *argv])
    out = capsys.readouterr().out
    golden = EXAMPLES / folder / "expected" / f"{name}.out"
    if os.environ.get("MQSIM_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(out, encoding="utf-8")
    assert code == 0, out
    assert out == golden.read_text(encoding="utf-8"), command(folder, argv)


def test_every_example_script_is_run_by_a_case() -> None:
    """No example script is left without a golden run."""
    scripts = {p.relative_to(EXAMPLES).as_posix() for p in EXAMPLES.glob("*/*.py")}
    used = {
        f"{folder}/{word}"
        for folder, _, argv in CASES
        for step in argv
        for word in step.split()
        if word.endswith(".py")
    }
    assert scripts == used
