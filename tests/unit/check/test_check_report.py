"""The report: totals, determinism, JSON, rendering, histories and the JSONL round trip."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING

import pytest
from rich.console import Console

from mqsim import World, read_jsonl
from mqsim.check import DELIBERATE_DROPS, Report, check, delivery_histories

if TYPE_CHECKING:
    from conftest import Tape

RABBIT = "localhost:5672"


def _mixed(tape: Tape) -> Tape:
    tape.publish("m1", ["q"]).publish("m2", ["q"]).publish("m3", ["q"], ok=False)
    tape.consume("m2", "q").consume("m1", "q")
    tape("msg.drop", RABBIT, "m3", where="q", reason="crash")
    tape("msg.consume", "consumer", "m9", where="q")
    tape.produce("m4", "t/0", 0, key=b"\x00<k>").poll("m4", "t/0", 0).poll("m4", "t/0", 0)
    return tape


def test_totals_and_ok(tape: Tape) -> None:
    """Totals count messages per anomaly; ok is false on any violation."""
    report = check(_mixed(tape).records)
    totals = report.totals()
    assert totals["published"] == 4
    assert totals["consumed"] == 4
    assert totals["unconfirmed_lost"] == 1
    assert totals["reordered"] == 1
    assert totals["unexpected"] == 1
    assert totals["duplicated"] == 1
    assert not report.ok
    assert Report(published=0, consumed=0).ok


def test_to_dict_is_json_and_deterministic(tape: Tape) -> None:
    """Same records, same JSON text; the dictionary lists every anomaly."""
    records = _mixed(tape).records
    first = json.dumps(check(records).to_dict())
    assert first == json.dumps(check(list(records)).to_dict())
    data = json.loads(first)
    assert data["ok"] is False
    assert data["reordered"] == [{"scope": "queue", "where": "q", "first": "m1", "second": "m2"}]
    assert data["drop_reasons"] == {"crash": 1}
    assert list(data)[:3] == ["ok", "totals", "lost"]


def test_jsonl_round_trip_gives_the_same_report() -> None:
    """A trace written as JSON Lines and read back checks the same (bytes keys included)."""
    world = World(seed=1)
    emit = world.trace.emit
    emit(
        "msg.publish", "p", "m1", system="kafka", dest="t", key=b"\x00k", body=b"<b>", confirm=True
    )
    world.advance(0.5)
    emit("msg.store", "localhost:9092", "m1", where="t/0", offset=0)
    emit("msg.publish", "p", "m2", system="amqp", dest="", key="q", body=b"x", confirm=False)
    emit("msg.route", "localhost:5672", "m2", dest="", queues=["q"])
    emit("msg.store", "localhost:5672", "m2", where="q")
    emit("msg.drop", "localhost:5672", "m2", where="q", reason="crash")
    emit("msg.consume", "c", "m1", where="t/0", offset=0, group="g")
    emit("msg.consume", "c", "m1", where="t/0", offset=0, group="g")
    buffer = io.StringIO()
    world.trace.write_jsonl(buffer)
    buffer.seek(0)
    again = check(read_jsonl(buffer))
    assert again == check(world.trace)
    assert again.duplicated == ("m1",)
    assert again.lost == ("m2",)


def test_summary_table_and_text(tape: Tape) -> None:
    """The rich table and the plain text name the anomalies and their messages."""
    report = check(_mixed(tape).records)
    console = Console(file=io.StringIO(), width=120, color_system=None)
    console.print(report.summary_table())
    table = console.file.getvalue()  # type: ignore[attr-defined]
    assert "VIOLATIONS" in table
    assert "unexpected" in table
    assert "m9" in table
    text = str(report)
    assert text.splitlines()[0] == "delivery check: VIOLATIONS (4 published, 4 consumed)"
    assert "  reordered" in text
    assert "drop reasons: crash=1" in text
    assert "lost " not in text.replace("unconfirmed_lost", "")


def test_for_message_and_ids(tape: Tape) -> None:
    """Findings can be read per message; ids() refuses unknown anomaly names."""
    report = check(_mixed(tape).records)
    assert [f.kind for f in report.for_message("m3")] == ["unconfirmed_lost", "dropped"]
    assert report.ids("unexpected") == ("m9",)
    with pytest.raises(KeyError, match="anomaly: expected one of"):
        report.ids("missing")


def test_delivery_histories_group_records_by_message(tape: Tape) -> None:
    """Each message's records, in trace order; records without a message are left out."""
    tape.publish("m1", ["q"])
    tape("fault.crash", RABBIT)
    tape.consume("m1", "q").publish("m2", ["q"])
    histories = delivery_histories(tape.records)
    assert list(histories) == ["m1", "m2"]
    assert [r.kind for r in histories["m1"]] == [
        "msg.publish",
        "msg.route",
        "msg.store",
        "msg.confirm",
        "msg.deliver",
        "msg.consume",
        "msg.ack",
    ]
    assert all(r.msg == "m2" for r in histories["m2"])


def test_deliberate_drops_cover_the_vocabulary() -> None:
    """Every documented drop reason is either deliberate or a loss cause."""
    losses = {"crash", "client-crash", "retention", "truncated"}
    documented = {
        "unroutable",
        "expired",
        "maxlen",
        "rejected",
        "dead-lettered",
        "delivery-limit",
        "purged",
        "queue-deleted",
        "crash",
        "client-crash",
        "retention",
        "truncated",
        "compacted",
        "cycle",
        "tx-rollback",
        "reject-publish",
        "too-large",
        "not-delivered",
    }
    assert documented - losses <= DELIBERATE_DROPS
    assert not losses & DELIBERATE_DROPS
