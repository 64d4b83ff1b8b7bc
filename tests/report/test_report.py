"""The HTML report: structure, escaping, offline, determinism, empty data, size, contract."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import random
import re
from html import escape as html_escape
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import plotly.offline
import pytest
from typer.testing import CliRunner

import analyzer
from analyzer import report
from analyzer.cli import app
from analyzer.period import Period, parse_week
from analyzer.redaction import redact_values, redaction_params
from analyzer.report import build as build_module
from analyzer.report import compare, fmt
from analyzer.resources import reports_dir
from analyzer.review import export_sheet
from analyzer.sql import queries_in

GENERATED_AT = dt.datetime(2026, 3, 30, 8, 0, tzinfo=dt.UTC)
START = dt.datetime(2026, 3, 2, 8, 0)  # a Monday
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "</script><img src=x onerror=alert(1)>"
PLOTLY_JS = plotly.offline.get_plotlyjs()

# -- test data: canonical JSONL through the real loader ------------------------------------
QUESTIONS = [
    "where is my parcel {n}",
    "I need to change my delivery address",
    "how do I get a refund for order {n}",
    "my card was charged twice",
    "can I change the time slot for {n}?",
]
ANSWERS = [
    "Parcel {n} is out for delivery today.",
    "You can change the address under My account > Deliveries.",
    "Refunds take 3-5 working days after we receive the item.",
]
THANKS = ["great, thanks!", "thank you, that worked", "perfect, cheers"]
ASK_HUMAN = ["can I speak to a person", "agent please", "I want a real person"]
HANDOFF = ["I'm connecting you to a colleague now.", "Let me transfer you to an agent."]
AGENT = ["Hi, I can help with that.", "Hello, thanks for waiting - looking at it now."]
QUEUES = ["billing", "deliveries", "returns"]
CHANNELS = ["web", "app", "whatsapp"]


def _conversation(
    cid: str,
    start: dt.datetime,
    kind: str,
    rng: random.Random,
    *,
    queue: str,
    channel: str,
    hostile: bool = False,
    long_text: int = 0,
    extra_turns: int = 0,
) -> list[dict[str, object]]:
    """One conversation's canonical records; `kind` picks the outcome."""
    n = rng.randint(10000, 99999)
    records: list[dict[str, object]] = []
    clock = start

    def add(role: str, text: str | None, event: str = "message", **extra: object) -> None:
        nonlocal clock
        clock += dt.timedelta(seconds=rng.randint(3, 40))
        rec: dict[str, object] = {
            "conversation_id": cid,
            "message_id": f"{cid}-m{len(records) + 1}",
            "timestamp": clock.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "role": role,
            "event": event,
            "channel": channel,
        }
        if text is not None:
            rec["text"] = text
        rec.update(extra)
        records.append(rec)

    if kind == "unengaged":
        add("bot", "Hi! How can I help you today?")
        return records
    question = rng.choice(QUESTIONS).format(n=n)
    if hostile:
        question = f"{question} {XSS_SCRIPT} {XSS_IMG}"
    if long_text:
        question = question + " " + ('<&>" long text ' * (long_text // 15))  # escaping grows it
    add("customer", question)
    for i in range(extra_turns):
        add("bot", f"Step {i}: could you tell me a bit more?")
        add("customer", f"more detail number {i}")
    if kind == "confirmed":
        add("bot", rng.choice(ANSWERS).format(n=n))
        add("customer", rng.choice(THANKS))
    elif kind == "assumed":
        add("bot", rng.choice(ANSWERS).format(n=n))
    elif kind == "abandoned":
        add("bot", "Sorry, I didn't understand that.")
        add("customer", "this is useless")
    else:  # handed off: agent, queue_abandoned or failed
        add("bot", "Sorry, I didn't understand that.")
        add("customer", rng.choice(ASK_HUMAN))
        add("bot", rng.choice(HANDOFF), "handoff_initiated", queue=queue)
        if kind == "agent":
            clock += dt.timedelta(seconds=rng.randint(10, 900))
            add(
                "agent", rng.choice(AGENT), participant_id=f"agent-{rng.randint(1, 9)}", queue=queue
            )
            add("customer", "thanks")
        elif kind == "failed":
            add("system", None, "handoff_failed", queue=queue)
    return records


KINDS = ["confirmed", "assumed", "abandoned", "unengaged", "agent", "agent", "queue", "failed"]


def write_jsonl(
    path: Path,
    conversations: int,
    *,
    seed: int = 7,
    hostile: bool = False,
    queues: list[str] | None = None,
    long_text: int = 0,
    days: int = 21,
) -> Path:
    rng = random.Random(seed)
    queue_names = queues or QUEUES
    lines: list[str] = []
    for i in range(conversations):
        start = START + dt.timedelta(days=i % days, minutes=(i * 7) % 600)
        queue = queue_names[i % len(queue_names)]
        if hostile and i % 4 == 0:
            queue = XSS_SCRIPT if i % 8 == 0 else XSS_IMG
        records = _conversation(
            f"c{i:05d}",
            start,
            KINDS[i % len(KINDS)],
            rng,
            queue=queue,
            channel=CHANNELS[i % len(CHANNELS)],
            hostile=hostile and i % 3 == 0,
            long_text=long_text if i % 5 == 0 else 0,
        )
        lines.extend(json.dumps(r) for r in records)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def add_flags(db: analyzer.Database, rows: list[tuple[str, str, str | None, str, float]]) -> None:
    """Insert friction flags directly and update the conversations' friction columns."""
    frame = pd.DataFrame(rows, columns=["conversation_id", "flag", "message_id", "detail", "score"])
    db.con.register("new_flags", frame)
    db.con.execute("INSERT INTO friction_flags BY NAME SELECT * FROM new_flags")
    db.con.unregister("new_flags")
    db.con.execute(
        """UPDATE conversations SET friction_count = f.n, flags = f.flags
           FROM (SELECT conversation_id, count(DISTINCT flag) AS n,
                        array_sort(array_distinct(list(flag))) AS flags
                 FROM friction_flags GROUP BY conversation_id) f
           WHERE conversations.conversation_id = f.conversation_id"""
    )


FLAG_NAMES = ["customer_repeated", "long_queue_wait", "missing_transition", "misroute"]


def flag_handed_off(db: analyzer.Database, *, hostile: bool = False, every: int = 2) -> None:
    """Flag every `every`-th handed-off conversation, evidence on its last customer message."""
    handed = db.sql(
        """SELECT c.conversation_id, max(t.message_id) FILTER (WHERE t.role = 'customer') AS mid
           FROM conversations c JOIN turns t USING (conversation_id)
           WHERE c.handed_off GROUP BY ALL ORDER BY c.conversation_id"""
    )
    rows: list[tuple[str, str, str | None, str, float]] = []
    for i, (cid, mid) in enumerate(handed.itertuples(index=False)):
        if i % every:
            continue
        for k in range(1 + i % 3):
            detail = f"customer said it again ({k})"
            if hostile:
                detail += f" {XSS_SCRIPT} {XSS_IMG}"
            rows.append((cid, FLAG_NAMES[(i + k) % len(FLAG_NAMES)], mid, detail, 1.0))
        rows.append((cid, "long_queue_wait", None, "waited 12 min", 0.5))
    if hostile:
        rows.append((str(handed.iloc[0, 0]), XSS_IMG, None, XSS_SCRIPT, 1.0))
    add_flags(db, rows)


def build(tmp_path: Path, name: str = "logs.jsonl", **kwargs: object) -> analyzer.Database:
    """A loaded database whose flags are only those a test adds (rendering, not detection, is tested)."""
    db = analyzer.open_database(memory=True)
    db.load([write_jsonl(tmp_path / name, **kwargs)])  # type: ignore[arg-type]
    db.con.execute("DELETE FROM friction_flags")
    db.con.execute("UPDATE conversations SET friction_count = 0, flags = CAST([] AS VARCHAR[])")
    return db


def render(db: analyzer.Database, tmp_path: Path, name: str = "report.html", **kw: object) -> str:
    out = db.report(tmp_path / name, generated_at=GENERATED_AT, **kw)  # type: ignore[arg-type]
    return out.read_text(encoding="utf-8")


def without_plotly(html: str) -> str:
    assert html.count(PLOTLY_JS) <= 1
    return html.replace(PLOTLY_JS, "")


# -- parsing ---------------------------------------------------------------------------------
class Page(HTMLParser):
    """Collects what the tests look at: elements by id, attributes, text of chosen elements."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: dict[str, str] = {}
        self.starts: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self.styles: list[str] = []
        self._in: list[tuple[str, dict[str, str], list[str]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.starts.append((tag, a))
        if "id" in a:
            assert a["id"] not in self.ids, f"duplicate id {a['id']}"
            self.ids[a["id"]] = tag
        if tag in ("script", "style"):
            self._in.append((tag, a, []))

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1][0] == tag:
            _, a, parts = self._in.pop()
            (
                self.scripts.append((a, "".join(parts)))
                if tag == "script"
                else self.styles.append("".join(parts))
            )

    def handle_data(self, data: str) -> None:
        if self._in:
            self._in[-1][2].append(data)
        else:
            self.text.append(data)

    @property
    def words(self) -> str:
        """The visible text, whitespace collapsed."""
        return " ".join(" ".join(self.text).split())

    def having(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            a
            for t, a in self.starts
            if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def classed(self, cls: str) -> list[tuple[str, dict[str, str]]]:
        return [(t, a) for t, a in self.starts if cls in a.get("class", "").split()]


# -- fixtures --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def flagged_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("flagged")
    db = build(tmp, conversations=240, hostile=True)
    flag_handed_off(db, hostile=True)
    return render(db, tmp)


@pytest.fixture(scope="module")
def plain_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("plain")
    return render(build(tmp, conversations=80), tmp)


# -- structure -------------------------------------------------------------------------------
KPIS = {
    "conversations",
    "engaged",
    "bot_resolution_rate",
    "durable_resolution_rate",
    "handoff_rate",
    "graceful_handoff_rate",
    "abandonment_rate",
    "abandoned_in_queue_rate",
    "handoff_failed_rate",
    "recontact_after_handoff_rate",
    "time_to_agent_median",
    "time_to_agent_p90",
    "bot_turns_before_handoff",
    "friction_rate",
}
# without a customer_id in the test logs these are "not measurable here", with no comparison
NEEDS_CUSTOMER_ID = {"durable_resolution_rate", "recontact_after_handoff_rate"}


def test_structure(flagged_html: str) -> None:
    page = Page(flagged_html)
    for section in ("kpis", "trends", "breakdown", "friction", "drilldown", "definitions"):
        assert page.ids.get(section) == "section"
    tiles = page.having("div", **{"class": "tile"})
    assert {t["data-kpi"] for t in tiles} == KPIS
    assert all(
        " of " in t["title"] or "over" in t["title"] or "period" in t["title"] for t in tiles
    )
    for chart_id in report.CHART_IDS:
        assert page.ids.get(chart_id) == "div"
        blocks = [s for a, s in page.scripts if a.get("data-chart") == chart_id]
        assert len(blocks) == 1
        fig = json.loads(blocks[0])
        assert fig["data"], chart_id
    for table in ("table-queue", "table-channel", "table-flags", "table-top-queues"):
        assert page.ids.get(table) == "table"
    items = page.having("li", **{"class": "conversation"})
    assert 0 < len(items) <= report.MAX_DRILLDOWN
    assert len(page.having("details")) == len(items) + 1  # and the configuration
    assert page.classed("evidence")
    assert "customer said it again (0)" in "".join(page.text)
    assert sum(1 for a, s in page.scripts if s == PLOTLY_JS) == 1
    text = page.words
    assert "all data" in text and "handoff-analyzer " + analyzer.__version__ in text
    assert "2026-03-30 08:00:00 UTC" in text


def test_tiles_show_numerator_and_denominator(plain_html: str) -> None:
    page = Page(plain_html)
    tiles = {t["data-kpi"]: t["title"] for t in page.having("div", **{"class": "tile"})}
    assert tiles["conversations"].startswith("Conversations")
    # 80 conversations, 70 engaged (every 8th is unengaged), 40 handed off.
    assert "70 of 80 conversations" in tiles["engaged"]
    assert "40 of 70 engaged" in tiles["handoff_rate"]
    assert "confirmed" in tiles["bot_resolution_rate"] and "assumed" in tiles["bot_resolution_rate"]
    assert "10 of 40 handed off" in tiles["handoff_failed_rate"]


def test_no_flags_renders_friction_section(plain_html: str) -> None:
    page = Page(plain_html)
    assert page.ids.get("table-flags-empty") == "p"
    assert "chart-flag-week" not in page.ids
    assert not page.having("li", **{"class": "conversation"})
    assert "No flagged conversations in this period." in "".join(page.text)
    for chart_id in report.CHART_IDS[:4]:
        assert page.ids.get(chart_id) == "div"


def test_drilldown_worst_first_and_capped(tmp_path: Path) -> None:
    db = build(tmp_path, conversations=40)
    long_id = "c00004"  # an 'agent' conversation; give it many turns and late evidence
    db.con.execute(
        """INSERT INTO turns (conversation_id, seq, message_id, "timestamp", role, text, event)
           SELECT 'c00004', 100 + i, 'extra-' || i, TIMESTAMP '2026-03-06 12:00:00', 'customer',
                  'extra turn ' || i, 'message' FROM range(200) r(i)"""
    )
    add_flags(
        db,
        [
            ("c00005", "misroute", "c00005-m2", "a", 1.0),
            (long_id, "misroute", "extra-150", "late evidence", 1.0),
            (long_id, "customer_repeated", "c00004-m1", "early evidence", 1.0),
            ("c00006", "misroute", None, "no evidence message", 1.0),
        ],
    )
    page = Page(render(db, tmp_path))
    summaries = [a for t, a in page.starts if t == "li" and a.get("class") == "conversation"]
    assert len(summaries) == 3
    ids = [s for s in "".join(page.text).split() if re.fullmatch(r"c\d{5}", s)]
    assert ids[0] == long_id  # two flags beats one
    turns = page.having("li", **{"class": "turn role-customer evidence"})
    assert len(turns) == 2  # the early and the late evidence turns
    assert any(a["value"] == "250" for a in turns)
    all_turns = [a for t, a in page.starts if t == "li" and "turn" in a.get("class", "").split()]
    long_turns = [a for a in all_turns if int(a["value"]) > 100]
    assert len(long_turns) <= report.MAX_TURNS
    text = "".join(page.text)
    assert "late evidence" in text and "turns not shown" in text


# -- safety ----------------------------------------------------------------------------------
def test_untrusted_text_is_escaped(flagged_html: str) -> None:
    html = without_plotly(flagged_html)
    assert "<script>alert" not in html
    assert "<img" not in html.lower()
    page = Page(flagged_html)
    assert not [a for t, a in page.starts if t == "img" or "onerror" in a]
    # Every script is ours: plotly.js, the chart data blocks and the page script.
    assert len(page.scripts) == 1 + len(report.CHART_IDS) + 1
    for attrs, body in page.scripts:
        if attrs.get("type") == "application/json":
            assert "<" not in body and ">" not in body
            json.loads(body)
    # The hostile text did reach the page, escaped: transcript, queue, flag detail and name.
    text = "".join(page.text)
    assert XSS_SCRIPT in text and XSS_IMG in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    flag_chart = next(s for a, s in page.scripts if a.get("data-chart") == "chart-flag-week")
    # plotly reads some HTML in labels (<a href>, <b>): data goes in entity-escaped.
    names = [t["name"] for t in json.loads(flag_chart)["data"]]
    assert html_escape(XSS_IMG, quote=False) in names and XSS_IMG not in names


def test_escaping_covers_queue_and_flag_detail(tmp_path: Path) -> None:
    db = build(tmp_path, conversations=24, queues=[XSS_SCRIPT, XSS_IMG])
    mid = db.sql("SELECT message_id FROM turns WHERE conversation_id = 'c00004' LIMIT 1").iloc[0, 0]
    add_flags(db, [("c00004", "misroute", mid, XSS_IMG + XSS_SCRIPT, 1.0)])
    html = without_plotly(render(db, tmp_path))
    assert "<script>alert" not in html and "<img" not in html
    page = Page(html)
    assert XSS_IMG + XSS_SCRIPT in "".join(page.text)  # the flag detail, shown as text
    queue_cells = [s for s in page.text if s in (XSS_SCRIPT, XSS_IMG)]
    assert set(queue_cells) == {XSS_SCRIPT, XSS_IMG}  # both queues, as table cells


def test_offline_no_external_resources(flagged_html: str) -> None:
    html = without_plotly(flagged_html)
    page = Page(html)
    for _tag, attrs in page.starts:
        for name in ("src", "href", "action", "poster", "data"):
            value = attrs.get(name, "")
            assert not re.match(r"\s*(https?:)?//", value, re.I), (name, value)
        assert _tag not in ("link", "iframe", "img", "object", "embed")
    for css in page.styles:
        assert "url(" not in css and "@import" not in css
    assert not re.search(r"https?://", html)


# -- determinism, empty, size ----------------------------------------------------------------
def test_same_input_same_bytes(tmp_path: Path) -> None:
    first = build(tmp_path, "a.jsonl", conversations=60, hostile=True)
    flag_handed_off(first, hostile=True)
    second = build(tmp_path, "b.jsonl", conversations=60, hostile=True)
    flag_handed_off(second, hostile=True)
    a = render(first, tmp_path, "a.html")
    assert a == render(second, tmp_path, "b.html")
    assert a == render(first, tmp_path, "a2.html")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


@pytest.mark.parametrize("loaded", [False, True])
def test_empty_period_renders(tmp_path: Path, loaded: bool) -> None:
    db = build(tmp_path, conversations=10) if loaded else analyzer.open_database(memory=True)
    html = render(db, tmp_path, since="2030-01-01", until=dt.date(2030, 2, 1))
    page = Page(html)
    assert page.ids.get("empty") == "section"
    text = page.words
    assert "No conversations in this period" in text
    assert "2030-01-01 to 2030-02-01" in text
    assert ("holds 10 conversations" in text) == loaded
    assert PLOTLY_JS not in html
    assert len(html) < 80_000  # the page is the notice and the definitions (config included)
    assert not page.classed("tile")


def test_period_filter(tmp_path: Path) -> None:
    db = build(tmp_path, conversations=80)
    page = Page(render(db, tmp_path, since="2026-03-09", until="2026-03-16"))
    text = page.words
    assert "2026-03-09 to 2026-03-16 (UTC, end excluded)" in text
    count = db.sql(
        "SELECT count(*) FROM conversations WHERE started_at >= '2026-03-09'"
        " AND started_at < '2026-03-16'"
    ).iloc[0, 0]
    assert f"Conversations {count} Compared with" in text


def test_size_stays_bounded(tmp_path: Path) -> None:
    queues = [f"queue {i:03d} " + "x" * 150 for i in range(300)]
    db = build(tmp_path, conversations=3000, queues=queues, long_text=20_000, days=400)
    flag_handed_off(db, every=1)
    out = db.report(tmp_path / "big.html", generated_at=GENERATED_AT)
    size = out.stat().st_size
    assert size < report.SIZE_LIMIT
    page = Page(out.read_text(encoding="utf-8"))
    assert len(page.having("li", **{"class": "conversation"})) > 0
    queue_rows = page.having("tr")
    assert len(queue_rows) < 300


def test_oversized_drilldown_is_shortened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = build(tmp_path, conversations=200)
    flag_handed_off(db, every=1)
    full = Page(render(db, tmp_path, "full.html"))
    listed = len(full.having("li", **{"class": "conversation"}))
    limit = len(PLOTLY_JS) + 120_000  # room for the page without its drill-down (config included)
    monkeypatch.setattr(build_module, "SIZE_LIMIT", limit)
    html = render(db, tmp_path, "small.html")
    assert len(html.encode()) < limit
    page = Page(html)
    assert 0 < len(page.having("li", **{"class": "conversation"})) < listed
    assert "Shortened to the worst" in page.words


# -- the template contract -------------------------------------------------------------------
CONTEXT_TYPES = [
    report.ReportContext,
    report.Tile,
    report.Chart,
    report.Column,
    report.Table,
    report.FlagNote,
    report.Turn,
    report.FlaggedConversation,
    report.Definition,
    report.Change,
    report.FlagGroup,
    report.FlagDefinition,
]


@pytest.mark.parametrize("cls", CONTEXT_TYPES, ids=lambda c: c.__name__)
def test_context_fields_documented_and_used(cls: type) -> None:
    assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
    doc = cls.__doc__ or ""
    template = (reports_dir() / report.TEMPLATE).read_text(encoding="utf-8")
    for field in dataclasses.fields(cls):
        assert re.search(rf"^\s+{field.name}: \S", doc, re.M), f"{cls.__name__}.{field.name}"
        prefix = r"ctx\." if cls is report.ReportContext else r"\."
        assert re.search(rf"{prefix}{field.name}\b", template), f"{cls.__name__}.{field.name}"


# -- formatting ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "—"),
        (float("nan"), "—"),
        (0, "0 s"),
        (59.4, "59 s"),
        (61, "1 m 01 s"),
        (3600, "1 h 00 m"),
        (90061, "1 d 01 h"),
    ],
)
def test_fmt_seconds(seconds: float | None, text: str) -> None:
    assert fmt.fmt_seconds(seconds) == text


def test_describe_period() -> None:
    assert Period.between(None, None).describe() == "all data"
    assert Period.between(dt.datetime(2026, 3, 2), None).describe() == "from 2026-03-02 (UTC)"
    until = dt.datetime(2026, 3, 2, 12, 30)
    assert Period.between(None, until).describe() == "before 2026-03-02 12:30 (UTC)"
    closed = Period.between(dt.datetime(2026, 3, 2), dt.datetime(2026, 3, 9))
    assert closed.describe() == "2026-03-02 to 2026-03-09 (UTC, end excluded)"


def test_script_json_cannot_close_the_script_element() -> None:
    payload = json.dumps({"name": XSS_IMG + "&amp; \u2028"})
    safe = str(fmt.script_json(payload))
    assert "<" not in safe and ">" not in safe and "&" not in safe and "\u2028" not in safe
    assert json.loads(safe) == json.loads(payload)


# -- the weekly review: comparison, what changed, breakdowns ---------------------------------
WEEK_BEFORE = dt.datetime(2026, 3, 2, 9, 0)  # 2026-W10
WEEK_NOW = dt.datetime(2026, 3, 9, 9, 0)  # 2026-W11
PII = (
    "Mail j.doe+x@example.co.uk, call +44 7700 900123 or (555) 010-7788, card "
    "4111 1111 1111 1111, IBAN GB33BUKB20201555555555, account 12345678."
)
NOT_PII = (
    "Order ORD-48213 of 2026-03-02 at 10:30 cost £1,234.56; refund in 3-5 working days, "
    "app v2.14.1, ticket INC0012345, 50% off."
)


def _week(
    start: dt.datetime, kinds: dict[str, int], prefix: str, rng: random.Random, *, intents: bool
) -> list[dict[str, object]]:
    records: list[dict[str, object]] = []
    i = 0
    for kind, n in kinds.items():
        for _ in range(n):
            when = start + dt.timedelta(days=i % 5, minutes=i * 3)
            recs = _conversation(
                f"{prefix}{i:03d}",
                when,
                kind,
                rng,
                queue=("billing", "returns")[i % 2],
                channel="web",
            )
            for r in recs:
                if intents and r["role"] == "customer":
                    r["intent"] = ("refund", "delivery")[i % 2]
                r["metadata"] = {"bot_version": "v2" if intents else "v1"}
            records.extend(recs)
            i += 1
    return records


@pytest.fixture(scope="module")
def review_db(tmp_path_factory: pytest.TempPathFactory) -> analyzer.Database:
    """Two ISO weeks with known numbers.

    2026-W10: 48 bot-resolved, 50 handed off (agent answered), 2 abandoned;
    2026-W11: 27 bot-resolved, 70 handed off, 3 abandoned. Handoff rate 50% -> 70% (z = 2.89,
    worse); abandonment 2% -> 3% (within noise). Flags: misroute on 10 of 50 and 30 of 70
    handoffs (worse), customer_repeated on 4 of 50 and 7 of 70 (within noise).
    """
    tmp = tmp_path_factory.mktemp("review")
    rng = random.Random(3)
    records = _week(
        WEEK_BEFORE, {"confirmed": 48, "agent": 50, "abandoned": 2}, "a", rng, intents=False
    ) + _week(WEEK_NOW, {"confirmed": 27, "agent": 70, "abandoned": 3}, "b", rng, intents=True)
    for r in records:
        if r["conversation_id"] == "b050" and r["role"] == "customer":
            r["text"] = f"{r['text']} {PII} {NOT_PII}"
    path = tmp / "weeks.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    db = analyzer.open_database(memory=True)
    db.load([path])
    db.con.execute("DELETE FROM friction_flags")  # the flags below, not the detectors', are known
    db.con.execute("UPDATE conversations SET friction_count = 0, flags = CAST([] AS VARCHAR[])")
    handed = db.sql(
        "SELECT conversation_id FROM conversations WHERE handed_off ORDER BY conversation_id"
    )["conversation_id"].tolist()
    before = [c for c in handed if c.startswith("a")]
    now = [c for c in handed if c.startswith("b")]
    assert (len(before), len(now)) == (50, 70)
    rows: list[tuple[str, str, str | None, str, float]] = []
    for cid in before[:10] + now[:30]:
        rows.append((cid, "misroute", None, "sent to the wrong queue", 1.0))
    for cid in before[10:14] + now[30:36]:
        rows.append((cid, "customer_repeated", f"{cid}-m1", "asked twice", 1.0))
    rows.append(("b050", "customer_repeated", "b050-m1", f"repeated: {PII}", 1.0))
    add_flags(db, rows)
    return db


def _week_html(
    db: analyzer.Database,
    tmp_path: Path,
    name: str = "week.html",
    timezone: str = "UTC",
    **kw: object,
) -> str:
    period = parse_week("2026-W11", timezone)
    out = db.report(tmp_path / name, generated_at=GENERATED_AT, period=period, **kw)  # type: ignore[arg-type]
    return out.read_text(encoding="utf-8")


class Cells(HTMLParser):
    """Rows of one table (by id) as lists of cell text, and tile change lines by KPI."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.changes: dict[str, tuple[str, str]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._kpi = ""
        self._change: tuple[str, list[str]] | None = None
        self._depth = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "table" and a.get("id"):
            self._table = a["id"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []
        elif tag == "div" and "data-kpi" in a:
            self._kpi = a["data-kpi"]
        elif tag == "div" and a.get("class") == "tile-change":
            self._change = (a["data-verdict"], [])
        elif tag == "div" and self._change is not None:
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "div" and self._change is not None:
            if self._depth:
                self._depth -= 1
            else:
                self.changes[self._kpi] = (
                    self._change[0],
                    " ".join("".join(self._change[1]).split()),
                )
                self._change = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._change is not None:
            self._change[1].append(data)


def test_tiles_compare_with_the_previous_week(review_db: analyzer.Database, tmp_path: Path) -> None:
    html = _week_html(review_db, tmp_path)
    page = Page(html)
    text = page.words
    assert "Compared with 2026-W10 (2026-03-02 to 2026-03-09, UTC, end excluded)" in text
    changes = Cells(html).changes
    assert set(changes) == KPIS - NEEDS_CUSTOMER_ID
    assert changes["handoff_rate"][0] == "worse"
    assert "previous 50.0% · +20.0 pp · worse" in changes["handoff_rate"][1]
    assert changes["bot_resolution_rate"] == ("worse", "previous 48.0% · -21.0 pp · worse")
    assert changes["abandonment_rate"] == ("within noise", "previous 2.0% · +1.0 pp · within noise")
    assert changes["conversations"] == ("no change", "previous 100 · ±0% · no change")
    assert changes["friction_rate"][0] == "worse"  # 14/50 -> 36/70
    tiles = {a["data-kpi"]: a for a in page.having("div", **{"class": "tile"})}
    assert tiles
    title = next(
        a["title"]
        for _, a in page.classed("tile-change")
        if a.get("data-verdict") == "worse" and "z = +2.89" in a.get("title", "")
    )
    assert "70/100 vs 50/100" in title
    assert "|z| < 1.96" in page.words  # the rule is in the definitions


def test_what_changed_lists_flags_and_queues_trends_first(
    review_db: analyzer.Database, tmp_path: Path
) -> None:
    tables = Cells(_week_html(review_db, tmp_path)).tables
    flags = tables["table-changed-flags"][1:]
    assert [r[0] for r in flags] == ["misroute", "customer_repeated"]
    assert flags[0][1:5] == ["20.0% (10/50)", "42.9% (30/70)", "+22.9 pp", "worse"]
    assert flags[1][4] == "within noise"
    queues = tables["table-changed-queues"][1:]
    assert {r[0] for r in queues} == {"billing", "returns"}
    assert all(r[4] in ("worse", "better", "within noise", "no change") for r in queues)
    assert len(queues) <= report.MAX_CHANGED


def test_open_period_has_no_comparison(flagged_html: str) -> None:
    page = Page(flagged_html)
    assert "no previous period" in page.words
    assert not page.classed("tile-change")
    assert page.ids.get("table-changed-flags-empty") == "p"


def test_compare_noise_rule() -> None:
    assert compare.two_proportion_z(70, 100, 50, 100) == pytest.approx(2.8868, abs=1e-3)
    assert compare.rate_change(3, 100, 2, 100, "worse").verdict == "within noise"
    assert compare.rate_change(0, 100, 0, 100, "worse").verdict == "no change"
    assert compare.rate_change(1, 0, 2, 10, "worse").verdict == "not comparable"
    assert compare.count_change(120, 100, "").verdict == "within noise"  # z = 1.35
    assert compare.count_change(1300, 1000, "").verdict == "up"
    ok = {"lower": 100.0, "upper": 200.0}
    assert (
        compare.quantile_change(
            150, 140, ok, {"lower": 90, "upper": 180}, "worse", fmt.fmt_seconds
        ).verdict
        == "within noise"
    )
    assert (
        compare.quantile_change(
            150, 60, ok, {"lower": 40, "upper": 80}, "worse", fmt.fmt_seconds
        ).verdict
        == "worse"
    )


def test_days_and_weeks_use_the_period_time_zone(
    review_db: analyzer.Database, tmp_path: Path
) -> None:
    page = Page(_week_html(review_db, tmp_path, timezone="Asia/Tokyo"))
    assert page.ids.get("timezone") == "dd" and "Asia/Tokyo" in page.words
    days = next(s for a, s in page.scripts if a.get("data-chart") == "chart-day-rates")
    keys = json.loads(days)["data"][0]["x"]
    # W11 in Tokyo starts 2026-03-08 15:00 UTC: the UTC week's conversations, 9:00 onwards, are
    # on Tokyo days 2026-03-09 ... 2026-03-13, in the evening.
    assert keys[0] == "2026-03-09" and all(k.startswith("2026-03-") for k in keys)
    assert "Days of Asia/Tokyo." in page.words


def test_breakdowns_by_intent_and_bot_version_when_present(
    review_db: analyzer.Database, tmp_path: Path, plain_html: str
) -> None:
    tables = Cells(_week_html(review_db, tmp_path)).tables
    assert {r[0] for r in tables["table-intent"][1:]} == {"refund", "delivery"}
    assert [r[0] for r in tables["table-bot_version"][1:]] == ["v2"]
    plain = Page(plain_html)
    assert "table-intent" not in plain.ids and "table-bot_version" not in plain.ids
    assert plain.ids.get("table-queue") == "table" and plain.ids.get("table-channel") == "table"


# -- the review page --------------------------------------------------------------------------
def test_review_page_groups_by_flag_with_anchors(
    review_db: analyzer.Database, tmp_path: Path
) -> None:
    page = Page(_week_html(review_db, tmp_path))
    groups = page.having("section", **{"class": "flag-group"})
    assert [g["data-flag"] for g in groups] == ["misroute", "customer_repeated"]
    items = page.having("li", **{"class": "conversation"})
    ids = [a["id"] for a in items]
    assert len(ids) == len(set(ids)) == 36  # 30 misroute + 6 more with customer_repeated
    assert all(i.startswith("conversation-b") for i in ids)
    assert "conversation-b050" in ids
    assert {a["data-queue"] for a in items} == {"billing", "returns"}
    queue_options = {a["value"] for t, a in page.starts if t == "option"} - {""}
    assert {"billing", "returns", "web", "misroute", "customer_repeated"} <= queue_options
    for select in ("flag-filter", "queue-filter", "channel-filter"):
        assert page.ids.get(select) == "select"


def test_review_sheet_anchors_match_the_report(tmp_path: Path) -> None:
    db = build(tmp_path, conversations=16)
    odd = 'we"ird id <x> & y'
    db.con.execute(
        "UPDATE turns SET conversation_id = $n WHERE conversation_id = 'c00004'", {"n": odd}
    )
    db.con.execute(
        "UPDATE conversations SET conversation_id = $n WHERE conversation_id = 'c00004'", {"n": odd}
    )
    add_flags(db, [(odd, "misroute", None, "x", 1.0), ("c00005", "misroute", None, "y", 1.0)])
    sheet = tmp_path / "sheet.csv"
    export_sheet(db.con, Period(dt.datetime(2026, 3, 1), dt.datetime(2026, 4, 1), "March"), sheet)
    anchors = {r["conversation_id"]: r["report_anchor"] for r in csv.DictReader(sheet.open())}
    html = render(db, tmp_path)
    page = Page(html)
    ids = {a["id"] for a in page.having("li", **{"class": "conversation"})}
    assert ids == set(anchors.values())
    assert anchors["c00005"] == "conversation-c00005"
    assert re.fullmatch(r"conversation-~[0-9a-f]{32}", anchors[odd])
    assert "<x>" not in without_plotly(html)


# -- redaction --------------------------------------------------------------------------------
def test_personal_data_is_redacted_by_default(review_db: analyzer.Database, tmp_path: Path) -> None:
    html = without_plotly(_week_html(review_db, tmp_path))
    text = Page(html).words
    for secret in (
        "j.doe+x@example.co.uk",
        "7700 900123",
        "010-7788",
        "4111 1111",
        "GB33BUKB",
        "12345678",
    ):
        assert secret not in html, secret
    for tag in ("[email]", "[phone]", "[card]", "[account]"):
        assert tag in text
    assert "repeated: Mail [email], call [phone] or [phone], card [card]" in text  # flag detail
    for kept in (
        "ORD-48213",
        "2026-03-02 at 10:30",
        "£1,234.56",
        "3-5 working days",
        "v2.14.1",
        "INC0012345",
        "50% off",
    ):
        assert kept in text, kept
    stored = review_db.sql(
        "SELECT text FROM turns WHERE conversation_id = 'b050'"
        " AND role = 'customer' ORDER BY seq LIMIT 1"
    ).iloc[0, 0]
    assert PII in stored  # the database keeps the original


def test_no_redact_shows_personal_data(review_db: analyzer.Database, tmp_path: Path) -> None:
    text = Page(_week_html(review_db, tmp_path, redact=False)).words
    assert PII in text and "[email]" not in text
    assert "shown as written" in text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("write to Ann.O'Neil@mail.example.com today", "write to [email] today"),
        ("ring 020 7946 0958 or 07700 900123", "ring [phone] or [phone]"),
        ("US: 555-010-7788, intl +1 (555) 010-7788", "US: [phone], intl [phone]"),
        ("card 4111-1111-1111-1111 exp 12/27", "card [card] [expiry]"),
        ("iban GB33 BUKB 2020 1555 5555 55 thanks", "iban [iban] thanks"),
        (
            "order ORD-48213 and 48213, qty 12, 2026-03-02",
            "order ORD-48213 and 48213, qty 12, 2026-03-02",
        ),
    ],
)
def test_redaction_patterns(raw: str, shown: str) -> None:
    db = analyzer.open_database(memory=True)
    assert redact_values(db.con, [raw], redaction_params(db.config, True)) == [shown]


def test_cli_report_no_redact(tmp_path: Path) -> None:
    logs = tmp_path / "pii.jsonl"
    logs.write_text(
        json.dumps(
            {
                "conversation_id": "p1",
                "message_id": "m1",
                "timestamp": "2026-03-02T10:00:00Z",
                "role": "customer",
                "text": f"hi {PII}",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    for flag, expect in (([], False), (["--no-redact"], True)):
        out = tmp_path / f"r{len(flag)}.html"
        result = runner.invoke(app, ["report", str(logs), "-o", str(out), *flag])
        assert result.exit_code == 0, result.output
        assert ("Personal data shown as written" in Page(out.read_text()).words) == expect


# -- definitions and review precision ---------------------------------------------------------
def test_definitions_show_flag_rules_thresholds_and_config(tmp_path: Path) -> None:
    cfg = tmp_path / "handoff.toml"
    cfg.write_text(
        '[thresholds]\nlong_queue_wait_seconds = 120\n\n[phrases]\nfallback = ["<b>sorry</b>"]\n'
    )
    db = analyzer.open_database(memory=True, config=cfg)
    db.load([write_jsonl(tmp_path / "logs.jsonl", 40)])  # the detectors run on load
    add_flags(db, [("c00005", "other_flag", None, "x", 1.0)])
    html = render(db, tmp_path)
    rows = {r[0]: r[1:] for r in Cells(html).tables["flag-definitions"][1:]}
    detectors = {q.name: q for q in queries_in("detectors")}
    assert detectors and set(detectors) <= set(rows)
    for name, q in detectors.items():
        assert rows[name][0] == " ".join(q.description.split())
    assert rows["long_queue_wait"][1] == "long_queue_wait_seconds = 120"  # the config in force
    assert rows["other_flag"] == ["found in the data; no detector of this name", "—"]
    page = Page(html)
    assert page.ids.get("config-source") == "code" and str(cfg) in page.words
    assert '"<b>sorry</b>"' in page.words and "long_queue_wait_seconds = 120" in page.words
    assert "<b>sorry" not in without_plotly(html)  # escaped


def test_real_detector_flags_on_the_review_page(tmp_path: Path) -> None:
    db = analyzer.open_database(memory=True)
    db.load([write_jsonl(tmp_path / "logs.jsonl", 160)])  # flags as the detectors find them
    flagged = db.sql("SELECT DISTINCT conversation_id, flag FROM friction_flags")
    assert not flagged.empty
    page = Page(render(db, tmp_path))
    groups = [a["data-flag"] for a in page.having("section", **{"class": "flag-group"})]
    assert set(groups) == set(flagged["flag"])
    ids = {a["id"] for a in page.having("li", **{"class": "conversation"})}
    assert ids == {f"conversation-{c}" for c in flagged["conversation_id"]}


def test_review_precision_beside_the_flag_rate(
    review_db: analyzer.Database, tmp_path: Path
) -> None:
    review_db.con.execute(
        """INSERT INTO reviews VALUES
           ('b000', 'misroute', 'confirmed', NULL, 'ann', TIMESTAMP '2026-03-20 10:00', NULL),
           ('b001', 'misroute', 'confirmed', NULL, 'ann', TIMESTAMP '2026-03-20 10:00', NULL),
           ('b002', 'misroute', 'confirmed', NULL, 'ann', TIMESTAMP '2026-03-20 10:00', NULL),
           ('b003', 'misroute', 'false_positive', NULL, 'ann', TIMESTAMP '2026-03-20 10:00', NULL),
           ('b004', 'misroute', 'unsure', NULL, 'ann', TIMESTAMP '2026-03-20 10:00', NULL)"""
    )
    try:
        html = _week_html(review_db, tmp_path)
    finally:
        review_db.con.execute("DELETE FROM reviews")
    table = Cells(html).tables["table-flags"]
    assert table[0][-2:] == ["Reviewed", "Precision"]
    misroute = next(r for r in table if r[0] == "misroute")
    assert misroute[1:4] == ["30", "70", "42.9%"] and misroute[-2:] == ["5", "75.0%"]
    repeated = next(r for r in table if r[0] == "customer_repeated")
    assert repeated[-2:] == ["0", "—"]
    assert "Reviewers: precision 75.0% (3 of 4 decided, 5 reviewed)." in Page(html).words


def test_database_report_passes_the_period_through(
    review_db: analyzer.Database, tmp_path: Path
) -> None:
    out = review_db.report(
        tmp_path / "api.html",
        period=parse_week("2026-W11"),
        generated_at=GENERATED_AT,
        redact=False,
    )
    page = Page(out.read_text(encoding="utf-8"))
    assert "Compared with 2026-W10" in page.words and PII in page.words
    ranged = review_db.report(
        tmp_path / "range.html", since="2026-03-09", until="2026-03-16", generated_at=GENERATED_AT
    )
    words = Page(ranged.read_text(encoding="utf-8")).words
    assert "Compared with 2026-03-02 to 2026-03-09 (UTC, end excluded)" in words


def test_verdict_names_real_moves_and_links_sections(
    review_db: analyzer.Database, tmp_path: Path
) -> None:
    html = _week_html(review_db, tmp_path)
    lines = re.findall(r'<li data-tone="(\w+)"><a href="#(\w+)">([^<]+)</a></li>', html)
    assert 3 <= len(lines) <= 5
    tone, href, text = lines[0]
    assert href == "kpis" and text.startswith("Real moves since 2026-W10: ")
    assert "handoff rate 70.0% (+20.0 pp, worse)" in text and tone == "worse"
    assert "bot resolution rate 27.0% (-21.0 pp, worse)" in text
    assert "within noise" not in text  # abandonment moved within noise: not a real move
    assert {h for _, h, _ in lines} <= {"kpis", "cost", "reasons", "changes"}
    moved = [t for _, h, t in lines if h == "changes"]
    assert moved == [
        "What changed most: misroute went from 20.0% to 42.9% of handoffs (+22.9 pp, worse)."
    ]
