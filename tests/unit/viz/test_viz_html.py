"""The HTML page: self-contained, escaped, deterministic."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from pathlib import Path

from mqsim import World
from mqsim.check import check
from mqsim.viz import html_report

MixedTrace = Callable[..., World]


EVIL = "<script>alert('x')</script>"


def test_user_text_stays_text(mixed_trace: MixedTrace) -> None:
    """A body, queue or title like <script> is escaped everywhere on the page."""
    world = mixed_trace(queue=EVIL, exchange=EVIL, body=EVIL.encode())
    page = html_report(world.trace, title=EVIL, report=check(world.trace))
    assert "<script" not in page
    assert "&lt;script&gt;" in page
    assert page.count("<title>") == 1


def test_page_is_self_contained(mixed_trace: MixedTrace) -> None:
    """No external fetch: inline CSS, no links or sources pointing elsewhere."""
    page = html_report(mixed_trace().trace, title="run")
    assert "<style>" in page
    assert not re.search(r"(src|href)=\"(?!data:)", page)
    assert "http" not in page


def test_page_holds_diagram_timeline_and_check(mixed_trace: MixedTrace) -> None:
    """The Mermaid text is in a pre.mermaid block; the check table lists the anomalies."""
    world = mixed_trace()
    page = html_report(world.trace, title="run", report=check(world.trace))
    diagram = page.split('<pre class="mermaid">\n', 1)[1].split("</pre>", 1)[0]
    assert diagram.startswith("sequenceDiagram\n    participant P1 as producer\n")
    assert "P1-&gt;&gt;P2: m1 key=k b&#x27;hi&#x27;" in diagram
    assert '<span class="bad">VIOLATIONS</span>' in page
    assert '<tr class="bad"><td>lost</td><td class="num">1</td><td>m1</td></tr>' in page
    assert '<tr class="fault"><td>0.250000</td><td>localhost:5672</td><td>fault.crash</td>' in page
    assert "Delivery check" not in html_report(world.trace, title="run")


def test_plots_are_embedded_as_data_uris(tmp_path: Path, mixed_trace: MixedTrace) -> None:
    """PNG bytes or files become base64 data URIs."""
    png = b"\x89PNG\r\n\x1a\nfake"
    path = tmp_path / "p.png"
    path.write_bytes(png)
    page = html_report(mixed_trace().trace, plots=[png, path])
    uri = "data:image/png;base64," + base64.b64encode(png).decode()
    assert page.count(f'src="{uri}"') == 2


def test_same_records_same_page(mixed_trace: MixedTrace) -> None:
    """The page is a pure function of the records and options."""
    world = mixed_trace()
    first = html_report(world.trace, title="t", report=check(world.trace))
    assert first == html_report(list(world.trace), title="t", report=check(list(world.trace)))


def test_optional_mermaid_script_is_escaped(mixed_trace: MixedTrace) -> None:
    """mermaid_js adds one module script; its URL cannot close the script element."""
    page = html_report(mixed_trace().trace, mermaid_js="https://x/mermaid.esm.min.mjs</script>")
    assert page.count("<script") == 1
    assert page.count("</script>") == 1
    assert '"https://x/mermaid.esm.min.mjs<\\/script>"' in page


def test_timeline_limit_on_the_page(mixed_trace: MixedTrace) -> None:
    """A long trace's timeline is cut and says how much was left out."""
    page = html_report(mixed_trace().trace, timeline_limit=5)
    assert "<p>... 19 more records</p>" in page


def test_reordered_pairs_are_listed(mixed_trace: MixedTrace) -> None:
    """The check table shows each reordered pair as 'first after second'."""
    world = mixed_trace()
    emit = world.trace.emit
    for msg in ("m8", "m9"):
        emit("msg.publish", "p", msg, system="amqp", dest="", key="q", body=b"", confirm=False)
        emit("msg.store", "localhost:5672", msg, where="q")
    emit("msg.consume", "c", "m9", where="q")
    emit("msg.consume", "c", "m8", where="q")
    page = html_report(world.trace, report=check(world.trace))
    assert '<td>reordered</td><td class="num">1</td><td>m8 after m9</td>' in page
