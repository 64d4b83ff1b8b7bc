"""The report in a real browser: headless Chromium, network off, driven over the DevTools Protocol.

No browser package is needed: a few lines of standard-library WebSocket below speak the protocol.
Skipped (with the reason) only where no Chromium is installed.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

import analyzer
from analyzer import report
from analyzer.period import parse_week
from tests.report.test_report import GENERATED_AT, XSS_IMG, add_flags, build, flag_handed_off


def _chromium() -> str | None:
    names = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    return next(filter(None, map(shutil.which, names)), None)


pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(_chromium() is None, reason="no Chromium found (apt-get install chromium)"),
]

OFFLINE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--proxy-server=127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--window-size=1280,1800",
)


# -- a minimal WebSocket client (RFC 6455: client frames masked, text frames only) -------------
class WebSocket:
    def __init__(self, url: str, timeout: float = 30) -> None:
        assert url.startswith("ws://")
        hostport, _, path = url[5:].partition("/")
        host, _, port = hostport.partition(":")
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise ConnectionError("closed during the handshake")
            head += chunk
        assert head.split(b"\r\n", 1)[0].split()[1] == b"101", head

    def _read(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("connection closed")
            data += chunk
        return data

    def send(self, text: str) -> None:
        payload = text.encode()
        n = len(payload)
        header = bytes([0x81])
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def recv(self) -> str:
        parts: list[bytes] = []
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(n)
            opcode = b0 & 0x0F
            if opcode == 0x8:
                raise ConnectionError("closed by the browser")
            if opcode == 0x9:  # ping: answer with a masked pong
                mask = os.urandom(4)
                self.sock.sendall(
                    bytes([0x8A, 0x80 | n])
                    + mask
                    + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
                )
                continue
            parts.append(payload)
            if b0 & 0x80:
                return b"".join(parts).decode()

    def close(self) -> None:
        self.sock.close()


class Browser:
    """One headless Chromium page: commands, and every event seen while waiting for replies."""

    def __init__(self, ws: WebSocket) -> None:
        self.ws = ws
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                result: dict[str, Any] = msg.get("result", {})
                return result
            if "method" in msg:
                self.events.append(msg)

    def wait_for(self, event: str, timeout: float = 60) -> dict[str, Any]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for e in self.events:
                if e["method"] == event:
                    self.events.remove(e)
                    return e
            msg = json.loads(self.ws.recv())
            if "method" in msg:
                self.events.append(msg)
        raise TimeoutError(event)

    def js(self, expression: str) -> Any:
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise AssertionError(result["exceptionDetails"])
        return result["result"].get("value")

    def until(self, expression: str, timeout: float = 60) -> Any:
        end = time.monotonic() + timeout
        while True:
            value = self.js(expression)
            if value or time.monotonic() > end:
                return value
            time.sleep(0.05)

    def errors(self) -> list[str]:
        found = []
        for e in self.events:
            p = e.get("params", {})
            if e["method"] == "Runtime.exceptionThrown":
                found.append(json.dumps(p["exceptionDetails"])[:500])
            elif e["method"] == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                found.append(json.dumps(p.get("args"))[:500])
            elif e["method"] == "Log.entryAdded" and p["entry"].get("level") == "error":
                found.append(json.dumps(p["entry"])[:500])
        return found

    def load(self, url: str) -> float:
        """Navigate and wait for the load event; returns the seconds it took."""
        self.events.clear()
        start = time.monotonic()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        return time.monotonic() - start


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    profile = tmp_path / "profile"
    chromium = _chromium()
    assert chromium is not None  # the module is skipped without one
    proc = subprocess.Popen(
        [
            chromium,
            *OFFLINE_FLAGS,
            f"--user-data-dir={profile}",
            "--remote-debugging-port=0",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    ws = None
    try:
        port_file = profile / "DevToolsActivePort"
        end = time.monotonic() + 60
        while not (port_file.is_file() and port_file.read_text().count("\n") >= 1):
            if proc.poll() is not None or time.monotonic() > end:
                pytest.fail("Chromium did not start its DevTools endpoint")
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # not via a proxy
        with direct.open(f"http://127.0.0.1:{port}/json/list", timeout=30) as r:
            pages = [t for t in json.load(r) if t["type"] == "page"]
        ws = WebSocket(pages[0]["webSocketDebuggerUrl"])
        b = Browser(ws)
        for domain in ("Runtime", "Log", "Page"):
            b.call(f"{domain}.enable")
        yield b
    finally:
        if ws is not None:
            ws.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


CHARTS_DRAWN = "document.querySelectorAll('.js-plotly-plot .main-svg').length"


def test_report_works_offline_in_chromium(browser: Browser, tmp_path: Path) -> None:
    db = build(tmp_path, conversations=240, hostile=True)
    flag_handed_off(db, hostile=True)
    add_flags(db, [("c00004", "misroute", "c00004-m2", "see +44 7700 900123", 1.0)])
    page = db.report(tmp_path / "report.html", generated_at=GENERATED_AT)
    browser.load(page.as_uri())
    drawn = browser.until(f"{CHARTS_DRAWN} >= {len(report.CHART_IDS)} && {CHARTS_DRAWN}")
    assert drawn >= len(report.CHART_IDS)
    plots = browser.js("Array.from(document.querySelectorAll('.js-plotly-plot')).map(e => e.id)")
    assert sorted(plots) == sorted(report.CHART_IDS)

    # Opening a flagged conversation shows its transcript with the evidence highlighted.
    opened = browser.js("""(() => {
        const li = document.querySelector('li.conversation');
        li.querySelector('summary').click();
        const t = li.querySelector('.transcript');
        return {open: li.querySelector('details').open, height: t.getBoundingClientRect().height,
                turns: t.querySelectorAll('li.turn').length,
                evidence: t.querySelectorAll('li.evidence').length};
    })()""")
    assert opened["open"] and opened["height"] > 0 and opened["turns"] > 0 and opened["evidence"]

    # A review-sheet link (#conversation-<id>) opens that conversation in place, even if filtered out.
    browser.js("""(() => {
        const have = document.getElementById('conversation-c00004').dataset.flags.split('\\n');
        const s = document.getElementById('flag-filter');
        s.value = Array.from(s.options).map(o => o.value).find(v => v && !have.includes(v));
        s.dispatchEvent(new Event('change')); })()""")
    hidden = browser.js("document.getElementById('conversation-c00004').hidden")
    visible = browser.js("document.querySelectorAll('li.conversation:not([hidden])').length")
    total = browser.js("document.querySelectorAll('li.conversation').length")
    assert hidden and 0 < visible < total
    browser.js("location.hash = 'conversation-c00004'")
    assert browser.until("document.querySelector('#conversation-c00004 details').open")
    assert not browser.js("document.getElementById('conversation-c00004').hidden")
    assert "[phone]" in browser.js("document.getElementById('conversation-c00004').innerText")
    browser.js("location.hash = 'conversation-not-listed'")
    assert "not-listed is not listed" in browser.until(
        "document.getElementById('anchor-missing').textContent"
    )

    # Nothing hostile came alive, nothing failed, nothing was fetched.
    assert browser.js("document.querySelectorAll('img').length") == 0
    assert XSS_IMG in browser.js("document.body.innerText")
    assert browser.js("performance.getEntriesByType('resource').length") == 0
    shot = browser.call("Page.captureScreenshot", format="png")
    (tmp_path / "report.png").write_bytes(base64.b64decode(shot["data"]))
    assert (tmp_path / "report.png").stat().st_size > 10_000
    assert browser.errors() == []


@pytest.mark.slow
def test_large_report_size_and_load_time(browser: Browser, tmp_path: Path) -> None:
    """A week of 100,000 conversations: the file stays under SIZE_LIMIT; load time is printed."""
    logs = tmp_path / "big.jsonl"
    started = time.monotonic()
    duckdb_sql = f"""
    COPY (
      WITH c AS (
        SELECT i, 'big' || lpad(CAST(i AS VARCHAR), 6, '0') AS cid,
               TIMESTAMP '2026-03-09 00:00:00' + to_seconds(i * 6) AS t0,
               ['billing', 'deliveries', 'returns', 'accounts'][1 + i % 4] AS queue,
               ['web', 'app', 'whatsapp'][1 + i % 3] AS channel,
               ['refund', 'delivery', 'password', 'address'][1 + i % 4] AS intent,
               i % 5 IN (0, 1) AS handed
        FROM range(100000) r(i)
      ),
      m AS (
        SELECT cid, 1 AS n, t0 AS ts, 'customer' AS role, 'message' AS event,
               'where is my order ORD-' || CAST(i AS VARCHAR) || ', mail me at p' || CAST(i AS VARCHAR) || '@example.com' AS text,
               NULL AS queue, channel, intent FROM c
        UNION ALL
        SELECT cid, 2, t0 + INTERVAL 5 SECOND, 'bot', 'message',
               CASE WHEN handed THEN 'Sorry, I didn''t understand that.' ELSE 'It arrives tomorrow.' END,
               NULL, channel, NULL FROM c
        UNION ALL
        SELECT cid, 3, t0 + INTERVAL 9 SECOND, 'customer', 'message',
               CASE WHEN handed THEN 'agent please' ELSE 'thanks!' END, NULL, channel, NULL FROM c
        UNION ALL
        SELECT cid, 4, t0 + INTERVAL 12 SECOND, 'bot', 'handoff_initiated',
               'Let me transfer you to an agent.', queue, channel, NULL FROM c WHERE handed
        UNION ALL
        SELECT cid, 5, t0 + to_seconds(60 + i % 900), 'agent', 'message', 'Hi, I can help.',
               queue, channel, NULL FROM c WHERE handed AND i % 10 <> 0
      )
      SELECT cid AS conversation_id, cid || '-m' || CAST(n AS VARCHAR) AS message_id,
             strftime(ts, '%Y-%m-%dT%H:%M:%SZ') AS "timestamp", role, event, text, queue, channel,
             intent
      FROM m ORDER BY conversation_id, n
    ) TO '{logs}' (FORMAT JSON)
    """
    with duckdb.connect() as con:
        con.execute(duckdb_sql)
    generated = time.monotonic() - started
    db = analyzer.open_database(memory=True)
    db.load([logs])
    loaded = time.monotonic() - started - generated
    db.con.execute(
        """INSERT INTO friction_flags
           SELECT conversation_id, CASE WHEN hash(conversation_id) % 3 = 0 THEN 'misroute'
                                        ELSE 'long_queue_wait' END,
                  NULL, 'flagged for the size test', 1.0
           FROM conversations WHERE handed_off AND hash(conversation_id) % 4 = 0"""
    )
    count = db.sql("SELECT count(*) AS n FROM conversations").iloc[0, 0]
    assert count == 100_000
    start = time.monotonic()
    out = db.report(tmp_path / "big.html", period=parse_week("2026-W11"), generated_at=GENERATED_AT)
    rendered = time.monotonic() - start
    size = out.stat().st_size
    seconds = browser.load(out.as_uri())
    drawn = browser.until(
        f"{CHARTS_DRAWN} >= {len(report.CHART_IDS)} && {CHARTS_DRAWN}", timeout=120
    )
    charts = time.monotonic() - start - rendered
    print(
        f"\n100,000 conversations: generated {generated:.1f} s, loaded {loaded:.1f} s, "
        f"report written {rendered:.1f} s, {size / 1e6:.2f} MB; Chromium load event "
        f"{seconds:.2f} s, charts drawn after {charts:.2f} s ({drawn} plot surfaces)"
    )
    assert size < report.SIZE_LIMIT
    assert browser.errors() == []


def test_weekly_report_verdict_small_multiples_and_print(browser: Browser, tmp_path: Path) -> None:
    """The sample's default weekly report: verdict on top, one small chart per flag, and printed
    pages that keep charts whole without toolbars. Screenshots and pages stay in tmp_path."""
    db = analyzer.open_database(memory=True)
    db.load([Path(__file__).resolve().parents[2] / "sample_logs"])
    page = db.write_report(tmp_path / "weekly.html", generated_at=GENERATED_AT).path
    browser.load(page.as_uri())
    assert browser.until(f"{CHARTS_DRAWN} >= {len(report.CHART_IDS)}")
    lines = browser.js("document.querySelectorAll('#verdict li').length")
    assert 3 <= lines <= 5
    top = browser.js("document.getElementById('verdict').getBoundingClientRect().top")
    assert top < 600  # on the first screen
    flags = browser.js(
        "document.querySelectorAll('#chart-flag-week .subplot.xy, #chart-flag-week g.cartesianlayer > g.subplot').length"
    )
    assert flags >= 8
    shot = browser.call("Page.captureScreenshot", format="png")
    (tmp_path / "weekly.png").write_bytes(base64.b64decode(shot["data"]))
    # The print layout: one column, no chart toolbars or filters, sections on new pages,
    # charts and tiles never split.
    browser.call("Emulation.setEmulatedMedia", media="print")
    printed = browser.js("""(() => {
        const style = (sel) => getComputedStyle(document.querySelector(sel));
        const bar = document.querySelector('.modebar-container');
        return {charts: style('.charts').display, split: style('.split').display,
                toolbar: bar ? getComputedStyle(bar).display : 'none',
                toc: style('.toc').display, breakBefore: style('#trends').breakBefore,
                chartInside: style('.chart').breakInside, tileInside: style('.tile').breakInside};
    })()""")
    assert printed == {
        "charts": "block",
        "split": "block",
        "toolbar": "none",
        "toc": "none",
        "breakBefore": "page",
        "chartInside": "avoid",
        "tileInside": "avoid",
    }
    pdf = browser.call("Page.printToPDF", printBackground=True, preferCSSPageSize=True)
    out = tmp_path / "weekly.pdf"
    out.write_bytes(base64.b64decode(pdf["data"]))
    assert out.stat().st_size > 10_000
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "50", str(out), str(tmp_path / "page")], check=True
        )
        assert list(tmp_path.glob("page-*.png"))
    assert browser.errors() == []
