"""The self-contained HTML report: one offline file for the weekly friction review.

`build_context` turns the database into a `ReportContext` (every number the page shows, already
formatted, and every chart as escaped JSON); `render` fills `reports/report.html.j2` with it;
`write_report` does both and writes the file.

Rules the page keeps:

* Works offline: plotly.js is embedded once, nothing is fetched (no http(s) resource, no fonts).
* Data is untrusted: Jinja2 autoescape is on and data is never marked safe. The only `Markup`
  values are plotly.js itself and chart JSON in which `<`, `>` and `&` are written as `\\u003c`,
  `\\u003e` and `\\u0026`, so no value can close the `<script>` element that holds it.
* Deterministic: fixed chart ids, sorted rows, an injected `generated_at`: same input, same bytes.
* Bounded: tables, daily charts and the drill-down are capped (the drill-down also by a size
  budget), so the file stays under `SIZE_LIMIT` bytes whatever the input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import plotly.offline
from markupsafe import Markup

from analyzer import __version__
from analyzer.api import Moment, to_utc_naive
from analyzer.resources import reports_dir
from analyzer.sql import query, run

if TYPE_CHECKING:
    from analyzer.api import Database

TEMPLATE = "report.html.j2"
SIZE_LIMIT = 6_000_000  # bytes; plotly.js alone is about 4.8 MB

MAX_TABLE_ROWS = 50  # queues / channels shown per table (largest first)
MAX_TOP_QUEUES = 10  # queues in "top queues by friction rate"
MIN_QUEUE_HANDOFFS = 5  # a queue needs this many handoffs to rank by friction rate
MAX_DAYS = 120  # the daily charts show the last MAX_DAYS days of the period
MAX_FLAGS = 30  # distinct flags charted and tabulated
MAX_LABEL = 80  # characters of a queue, channel or flag name shown
MAX_DRILLDOWN = 150  # flagged conversations listed
MAX_TURNS = 80  # turns shown per conversation
MAX_EVIDENCE_TURNS = 20  # of which evidence turns beyond the opening ones
MAX_TEXT = 600  # characters of a message or flag detail shown
MAX_NOTES = 20  # flags listed per conversation
DRILLDOWN_BUDGET = 700_000  # estimated bytes of drill-down HTML; conversations past it are left out
_TURN_OVERHEAD = 160  # estimated markup bytes per turn

CHART_IDS = (
    "chart-week-rates",
    "chart-week-outcomes",
    "chart-day-rates",
    "chart-day-outcomes",
    "chart-flag-week",
)

_OUTCOMES = (
    ("bot_resolved", "Bot resolved", "#2a9d8f"),
    ("handed_off", "Handed off", "#457b9d"),
    ("abandoned", "Abandoned", "#e76f51"),
    ("unengaged", "Unengaged", "#adb5bd"),
)
_COLORWAY = [
    "#457b9d",
    "#2a9d8f",
    "#e76f51",
    "#8d6a9f",
    "#e9c46a",
    "#264653",
    "#f4a261",
    "#6c757d",
    "#bc4749",
    "#90be6d",
]


# -- the template contract ------------------------------------------------------------------
@dataclass(frozen=True)
class Tile:
    """One KPI tile.

    Attributes:
        key: stable identifier, used as the tile's `data-kpi` attribute.
        label: the metric's name.
        value: the formatted value ("42.0%", "3 m 10 s", "—" when undefined).
        detail: numerator and denominator in words, shown under the value and on hover.
    """

    key: str
    label: str
    value: str
    detail: str


@dataclass(frozen=True)
class Chart:
    """A plotly chart drawn client-side into a fixed div id.

    Attributes:
        div_id: the fixed id of the chart's div (see CHART_IDS).
        title: heading shown above the chart.
        note: a line under the chart (what is counted, what was left out); may be empty.
        figure_json: the figure as JSON with `<`, `>`, `&` escaped, safe inside `<script>`.
    """

    div_id: str
    title: str
    note: str
    figure_json: Markup


@dataclass(frozen=True)
class Column:
    """A table column.

    Attributes:
        label: header text.
        numeric: right-aligned number column.
        hint: header tooltip (numerator / denominator); may be empty.
    """

    label: str
    numeric: bool
    hint: str


@dataclass(frozen=True)
class Table:
    """A small HTML table of formatted cells.

    Attributes:
        table_id: the table's fixed id.
        title: heading shown above it.
        columns: the columns.
        rows: formatted cells, one tuple per row, in display order.
        omitted: rows left out by the row cap (0 when all are shown).
        empty_text: shown instead of the table when there are no rows.
    """

    table_id: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    omitted: int
    empty_text: str


@dataclass(frozen=True)
class FlagNote:
    """One friction flag on a conversation.

    Attributes:
        flag: flag name (customer_repeated, misroute...).
        detail: the detector's explanation, cut to MAX_TEXT characters.
        message_id: the evidence message, or "" when the flag points at none.
    """

    flag: str
    detail: str
    message_id: str


@dataclass(frozen=True)
class Turn:
    """One event of a drill-down transcript.

    Attributes:
        seq: position in the conversation (1-based).
        time: "HH:MM:SS" UTC, or "" when the source has no time.
        role: customer, bot, agent or system.
        event: the event type; "message" for ordinary messages.
        text: message text, cut to MAX_TEXT characters.
        truncated: the text was cut.
        evidence: the flags this turn is evidence for (highlighted, detail shown beside it).
        skipped_before: turns left out just before this one (0 when none).
    """

    seq: int
    time: str
    role: str
    event: str
    text: str
    truncated: bool
    evidence: tuple[FlagNote, ...]
    skipped_before: int


@dataclass(frozen=True)
class FlaggedConversation:
    """A flagged conversation in the drill-down, with its transcript.

    Attributes:
        conversation_id: the conversation's id.
        started_at: "YYYY-MM-DD HH:MM" UTC.
        channel: channel, or "—".
        queue: first queue (and final queue when it differs), or "—".
        outcome: outcome and handoff outcome in words.
        wait: time from handoff to the first agent message, formatted, or "—".
        flags: every flag on the conversation (capped at MAX_NOTES), sorted.
        flag_names: the distinct flag names, sorted, for the summary line and the filter.
        turns: the transcript, capped at MAX_TURNS turns.
        turns_omitted: turns of the conversation not shown.
    """

    conversation_id: str
    started_at: str
    channel: str
    queue: str
    outcome: str
    wait: str
    flags: tuple[FlagNote, ...]
    flag_names: tuple[str, ...]
    turns: tuple[Turn, ...]
    turns_omitted: int


@dataclass(frozen=True)
class Definition:
    """How one metric is counted.

    Attributes:
        metric: the metric's name.
        numerator: what is counted.
        denominator: what it is divided by.
    """

    metric: str
    numerator: str
    denominator: str


@dataclass(frozen=True)
class ReportContext:
    """Everything `reports/report.html.j2` renders; values are display-ready strings.

    Attributes:
        title: page title.
        tool_version: handoff-analyzer version that wrote the report.
        generated_at: when the report was generated, "YYYY-MM-DD HH:MM:SS UTC".
        period: the requested period in words ("all data", "2026-03-02 to 2026-03-09 (end
            excluded)").
        data_range: first and last conversation start inside the period, or "" when empty.
        conversation_count: conversations in the period, formatted.
        empty: the period holds no conversations: the page says so and shows nothing else.
        database_summary: what the whole database holds, shown on an empty page so the reader
            can pick another period.
        tiles: KPI tiles, in display order.
        trend_charts: weekly and daily outcome charts.
        queue_table: per-queue breakdown.
        channel_table: per-channel breakdown.
        flag_table: rate of each friction flag among handed-off conversations.
        flag_charts: weekly trend of each flag's rate (empty when nothing is flagged).
        top_queues_table: queues with the highest friction rate.
        drilldown: flagged conversations, worst first, with transcripts.
        drilldown_note: how many flagged conversations exist and how many are listed.
        drilldown_flags: distinct flag names among the listed conversations (filter options).
        definitions: numerator and denominator of every metric.
        plotly_js: the plotly.js library, embedded once (empty on an empty page).
    """

    title: str
    tool_version: str
    generated_at: str
    period: str
    data_range: str
    conversation_count: str
    empty: bool
    database_summary: str
    tiles: tuple[Tile, ...]
    trend_charts: tuple[Chart, ...]
    queue_table: Table
    channel_table: Table
    flag_table: Table
    flag_charts: tuple[Chart, ...]
    top_queues_table: Table
    drilldown: tuple[FlaggedConversation, ...]
    drilldown_note: str
    drilldown_flags: tuple[str, ...]
    definitions: tuple[Definition, ...]
    plotly_js: Markup


DEFINITIONS = (
    Definition("Engaged", "conversations with at least one customer message", "conversations"),
    Definition("Bot resolution rate", "engaged conversations the bot resolved", "engaged"),
    Definition(
        "· confirmed", "bot-resolved where the customer's last message confirmed it", "engaged"
    ),
    Definition(
        "· assumed", "bot-resolved where the bot answered last, without confirmation", "engaged"
    ),
    Definition("Handoff rate", "engaged conversations handed to a human", "engaged"),
    Definition("Abandonment rate", "engaged conversations the customer left unresolved", "engaged"),
    Definition(
        "Abandoned in queue", "handoffs no agent answered before the customer left", "handed off"
    ),
    Definition("Handoff failed", "handoffs the platform or bot reported as failed", "handed off"),
    Definition(
        "Time to agent (median, p90)",
        "seconds from handoff to the first agent message",
        "handoffs an agent answered",
    ),
    Definition(
        "Bot turns before handoff (median)", "bot messages before the handoff", "handed off"
    ),
    Definition("Friction rate", "handoffs with at least one friction flag", "handed off"),
    Definition("Flag rate", "handoffs with that flag", "handed off (same week / queue / channel)"),
)


# -- formatting -----------------------------------------------------------------------------
def _missing(value: object) -> bool:
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def fmt_int(value: object) -> str:
    return "—" if _missing(value) else f"{int(value):,}"  # type: ignore[call-overload]


def fmt_rate(value: object) -> str:
    return "—" if _missing(value) else f"{float(value) * 100:.1f}%"  # type: ignore[arg-type]


def fmt_seconds(value: object) -> str:
    """45 s, 3 m 20 s, 2 h 05 m, 3 d 04 h; "—" when undefined."""
    if _missing(value):
        return "—"
    s = max(0, round(float(value)))  # type: ignore[arg-type]
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} m {s % 60:02d} s"
    if s < 86400:
        return f"{s // 3600} h {s % 3600 // 60:02d} m"
    return f"{s // 86400} d {s % 86400 // 3600:02d} h"


def fmt_number(value: object) -> str:
    if _missing(value):
        return "—"
    v = float(value)  # type: ignore[arg-type]
    return f"{v:,.0f}" if v.is_integer() else f"{v:,.1f}"


def fmt_moment(value: object, spec: str = "%Y-%m-%d %H:%M") -> str:
    return "—" if _missing(value) else pd.Timestamp(value).strftime(spec)  # type: ignore[arg-type]


def clip(text: object, limit: int = MAX_LABEL) -> str:
    s = "" if _missing(text) else str(text)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _bound(value: dt.datetime) -> str:
    return f"{value:%Y-%m-%d}" if value.time() == dt.time() else f"{value:%Y-%m-%d %H:%M}"


def describe_period(since: dt.datetime | None, until: dt.datetime | None) -> str:
    if since is None and until is None:
        return "all data"
    if until is None:
        return f"from {_bound(since)} (UTC)"  # type: ignore[arg-type]
    if since is None:
        return f"before {_bound(until)} (UTC)"
    return f"{_bound(since)} to {_bound(until)} (UTC, end excluded)"


def script_json(payload: str) -> Markup:
    """JSON made safe to embed in a `<script>` element: no `<`, `>` or `&` left as such."""
    safe = (
        payload.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    return Markup(safe)  # escaped above: the JSON holds no <, > or &


@cache
def _plotly_js() -> Markup:
    js = plotly.offline.get_plotlyjs()
    if "</script" in js.lower():  # would end the embedding element early
        raise RuntimeError("this plotly.js cannot be embedded inline")
    return Markup(js)  # the library itself, not data


# -- charts ---------------------------------------------------------------------------------
def _layout(y_title: str, *, percent: bool = False, stacked: bool = False) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "template": "none",
        "colorway": _COLORWAY,
        "font": {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12},
        "margin": {"l": 56, "r": 16, "t": 16, "b": 48},
        "height": 320,
        "hovermode": "x unified",
        "legend": {"orientation": "h", "y": -0.2},
        "xaxis": {"type": "category", "automargin": True, "showgrid": False},
        "yaxis": {
            "title": {"text": y_title},
            "rangemode": "tozero",
            "gridcolor": "#e9ecef",
            "automargin": True,
        },
    }
    if percent:
        layout["yaxis"]["tickformat"] = ".0%"
    if stacked:
        layout["barmode"] = "stack"
    return layout


def _figure_json(fig: go.Figure) -> Markup:
    return script_json(pio.to_json(fig, validate=False, pretty=False, engine="json"))


def _round(values: Iterable[object], digits: int = 4) -> list[float | None]:
    out: list[float | None] = []
    for v in values:
        out.append(None if _missing(v) else round(float(v), digits))  # type: ignore[arg-type]
    return out


def _counts(values: Iterable[object]) -> list[int]:
    return [0 if _missing(v) else int(v) for v in values]  # type: ignore[call-overload]


def _rate_chart(df: pd.DataFrame, div_id: str, title: str, note: str) -> Chart:
    x = [str(k) for k in df["key"]]
    fig = go.Figure(layout=_layout("share of engaged", percent=True))
    for column, name, num in (
        ("handoff_rate", "Handoff rate", "handed_off"),
        ("bot_resolution_rate", "Bot resolution rate", "bot_resolved"),
    ):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=_round(df[column]),
                name=name,
                mode="lines+markers",
                customdata=[
                    [n, d] for n, d in zip(_counts(df[num]), _counts(df["engaged"]), strict=True)
                ],
                hovertemplate="%{y:.1%} (%{customdata[0]} / %{customdata[1]})",
            )
        )
    return Chart(div_id, title, note, _figure_json(fig))


def _outcome_chart(df: pd.DataFrame, div_id: str, title: str, note: str) -> Chart:
    x = [str(k) for k in df["key"]]
    fig = go.Figure(layout=_layout("conversations", stacked=True))
    for column, name, color in _OUTCOMES:
        fig.add_trace(go.Bar(x=x, y=_counts(df[column]), name=name, marker={"color": color}))
    return Chart(div_id, title, note, _figure_json(fig))


def _trend_charts(rates: pd.DataFrame) -> tuple[Chart, ...]:
    weeks = rates[rates["dimension"] == "week"].sort_values("key")
    days = rates[rates["dimension"] == "day"].sort_values("key")
    day_note = ""
    if len(days) > MAX_DAYS:
        day_note = f"Last {MAX_DAYS} of {len(days)} days shown; the weekly charts cover them all."
        days = days.tail(MAX_DAYS)
    week_note = "Weeks start on Monday (ISO weeks)."
    return (
        _rate_chart(weeks, CHART_IDS[0], "Handoff and bot resolution rate by week", week_note),
        _outcome_chart(weeks, CHART_IDS[1], "Outcomes by week", week_note),
        _rate_chart(days, CHART_IDS[2], "Handoff and bot resolution rate by day", day_note),
        _outcome_chart(days, CHART_IDS[3], "Outcomes by day", day_note),
    )


def _flag_charts(
    flag_rates: pd.DataFrame, rates: pd.DataFrame, flags: list[str]
) -> tuple[Chart, ...]:
    if not flags:
        return ()
    weeks = rates[(rates["dimension"] == "week") & (rates["handed_off"] > 0)].sort_values("key")
    weekly = flag_rates[(flag_rates["dimension"] == "week") & flag_rates["flag"].isin(flags)]
    grid = weekly.pivot_table(index="key", columns="flag", values="flagged", aggfunc="sum")
    grid = grid.reindex(index=list(weeks["key"]), columns=flags).fillna(0)
    handed = weeks.set_index("key")["handed_off"].astype(float)
    fig = go.Figure(layout=_layout("share of handed off", percent=True))
    x = [str(k) for k in weeks["key"]]
    for flag in flags:
        flagged = grid[flag]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=_round(flagged / handed),
                name=clip(flag, 40),
                mode="lines+markers",
                customdata=[[n, d] for n, d in zip(_counts(flagged), _counts(handed), strict=True)],
                hovertemplate="%{y:.1%} (%{customdata[0]} / %{customdata[1]})",
            )
        )
    return (
        Chart(
            CHART_IDS[4],
            "Flag rate by week",
            "Share of the week's handed-off conversations"
            " with each flag. Click a legend entry to hide or isolate a flag.",
            _figure_json(fig),
        ),
    )


# -- tiles and tables -----------------------------------------------------------------------
def _of(num: object, den: object, what: str) -> str:
    return f"{fmt_int(num)} of {fmt_int(den)} {what}"


def _tiles(h: Mapping[str, Any]) -> tuple[Tile, ...]:
    g = h.get
    return (
        Tile(
            "conversations",
            "Conversations",
            fmt_int(g("conversations")),
            "conversations that started in the period",
        ),
        Tile(
            "engaged",
            "Engaged",
            fmt_int(g("engaged")),
            _of(g("engaged"), g("conversations"), "conversations had a customer message"),
        ),
        Tile(
            "bot_resolution_rate",
            "Bot resolution rate",
            fmt_rate(g("bot_resolution_rate")),
            _of(g("bot_resolved"), g("engaged"), "engaged")
            + f"; confirmed {fmt_rate(g('confirmed_resolution_rate'))}"
            f" ({fmt_int(g('resolved_confirmed'))}),"
            f" assumed {fmt_rate(g('assumed_resolution_rate'))}"
            f" ({fmt_int(g('resolved_assumed'))})",
        ),
        Tile(
            "handoff_rate",
            "Handoff rate",
            fmt_rate(g("handoff_rate")),
            _of(g("handed_off"), g("engaged"), "engaged"),
        ),
        Tile(
            "abandonment_rate",
            "Abandonment rate",
            fmt_rate(g("abandonment_rate")),
            _of(g("abandoned"), g("engaged"), "engaged"),
        ),
        Tile(
            "abandoned_in_queue_rate",
            "Abandoned in queue",
            fmt_rate(g("abandoned_in_queue_rate")),
            _of(g("abandoned_in_queue"), g("handed_off"), "handed off"),
        ),
        Tile(
            "handoff_failed_rate",
            "Handoff failed",
            fmt_rate(g("handoff_failed_rate")),
            _of(g("handoff_failed"), g("handed_off"), "handed off"),
        ),
        Tile(
            "time_to_agent_median",
            "Time to agent, median",
            fmt_seconds(g("time_to_agent_median_s")),
            f"over {fmt_int(g('agent_engaged'))} handoffs an agent answered",
        ),
        Tile(
            "time_to_agent_p90",
            "Time to agent, p90",
            fmt_seconds(g("time_to_agent_p90_s")),
            f"over {fmt_int(g('agent_engaged'))} handoffs an agent answered",
        ),
        Tile(
            "bot_turns_before_handoff",
            "Bot turns before handoff, median",
            fmt_number(g("bot_turns_before_handoff_median")),
            f"over {fmt_int(g('handed_off'))} handed-off conversations",
        ),
        Tile(
            "friction_rate",
            "Friction rate",
            fmt_rate(g("friction_rate")),
            _of(g("handed_off_with_friction"), g("handed_off"), "handed off had a flag"),
        ),
    )


_BREAKDOWN_COLUMNS = (
    Column("Conversations", True, ""),
    Column("Engaged", True, "conversations with a customer message"),
    Column("Handed off", True, ""),
    Column("Handoff rate", True, "handed off / engaged"),
    Column("Abandoned in queue", True, "abandoned in queue / handed off"),
    Column("Median wait", True, "median time from handoff to the first agent message"),
    Column("Friction rate", True, "handed off with a flag / handed off"),
)


def _breakdown(rates: pd.DataFrame, dimension: str, label: str) -> Table:
    df = rates[rates["dimension"] == dimension].sort_values(
        ["conversations", "key"], ascending=[False, True]
    )
    shown = df.head(MAX_TABLE_ROWS)
    rows = tuple(
        (
            clip(r.key),
            fmt_int(r.conversations),
            fmt_int(r.engaged),
            fmt_int(r.handed_off),
            fmt_rate(r.handoff_rate),
            fmt_rate(r.abandoned_in_queue_rate),
            fmt_seconds(r.time_to_agent_median_s),
            fmt_rate(r.friction_rate),
        )
        for r in shown.itertuples(index=False)
    )
    return Table(
        f"table-{dimension}",
        f"By {label}",
        (Column(label.capitalize(), False, ""), *_BREAKDOWN_COLUMNS),
        rows,
        len(df) - len(shown),
        f"No {label} in this period.",
    )


def _flag_table(flag_rates: pd.DataFrame, flags: list[str]) -> Table:
    df = flag_rates[(flag_rates["dimension"] == "all") & flag_rates["flag"].isin(flags)]
    df = df.sort_values(["rate", "flag"], ascending=[False, True])
    rows = tuple(
        (clip(r.flag), fmt_int(r.flagged), fmt_int(r.handed_off), fmt_rate(r.rate))
        for r in df.itertuples(index=False)
    )
    total = flag_rates.loc[flag_rates["dimension"] == "all", "flag"].nunique()
    return Table(
        "table-flags",
        "Rate per flag",
        (
            Column("Flag", False, ""),
            Column("Flagged", True, "handed-off conversations with it"),
            Column("Handed off", True, ""),
            Column("Rate", True, "flagged / handed off"),
        ),
        rows,
        int(total) - len(rows),
        "No friction flags in this period.",
    )


def _top_queues(rates: pd.DataFrame) -> Table:
    df = rates[
        (rates["dimension"] == "queue")
        & (rates["handed_off"] >= MIN_QUEUE_HANDOFFS)
        & (rates["handed_off_with_friction"] > 0)
    ]
    df = df.sort_values(["friction_rate", "handed_off", "key"], ascending=[False, False, True])
    shown = df.head(MAX_TOP_QUEUES)
    rows = tuple(
        (
            clip(r.key),
            fmt_int(r.handed_off_with_friction),
            fmt_int(r.handed_off),
            fmt_rate(r.friction_rate),
            fmt_seconds(r.time_to_agent_median_s),
        )
        for r in shown.itertuples(index=False)
    )
    return Table(
        "table-top-queues",
        "Top queues by friction rate",
        (
            Column("Queue", False, ""),
            Column("With friction", True, "handed off with a flag"),
            Column("Handed off", True, ""),
            Column("Friction rate", True, "with friction / handed off"),
            Column("Median wait", True, ""),
        ),
        rows,
        len(df) - len(shown),
        f"No queue with at least {MIN_QUEUE_HANDOFFS} handoffs has friction in this period.",
    )


# -- drill-down -----------------------------------------------------------------------------
_OUTCOME_WORDS = {
    "unengaged": "unengaged",
    "handed_off": "handed off",
    "bot_resolved": "bot resolved",
    "abandoned": "abandoned",
    "agent_engaged": "agent engaged",
    "abandoned_in_queue": "abandoned in queue",
    "handoff_failed": "handoff failed",
}


def _words(value: object) -> str:
    return "" if _missing(value) else _OUTCOME_WORDS.get(str(value), clip(value))


def _queue_words(first: object, final: object) -> str:
    if _missing(first):
        return "—"
    if _missing(final) or final == first:
        return clip(first)
    return f"{clip(first)} → {clip(final)}"


def _estimated_size(turns: pd.DataFrame, notes: pd.DataFrame) -> int:
    """Rough bytes of the HTML a conversation's drill-down takes (escaping can grow text)."""
    text = sum(len(escape(t)) for t in turns["text"].fillna("")) if len(turns) else 0
    detail = sum(len(escape(d)) for d in notes["detail"].fillna("")) * 2 if len(notes) else 0
    return 600 + text + detail + _TURN_OVERHEAD * len(turns)


def _drilldown(db: Database, bounds: dict[str, Any]) -> tuple[tuple[FlaggedConversation, ...], str]:
    convs = run(
        db.con,
        query("report", "flagged_conversations"),
        {**bounds, "max_conversations": MAX_DRILLDOWN},
    ).df()
    if convs.empty:
        return (), "No flagged conversations in this period."
    total = int(convs["flagged_total"].iloc[0])
    ids = list(convs["conversation_id"])
    turns = run(
        db.con,
        query("report", "flagged_turns"),
        {
            "ids": ids,
            "max_turns": MAX_TURNS,
            "max_evidence": MAX_EVIDENCE_TURNS,
            "max_chars": MAX_TEXT,
        },
    ).df()
    notes = run(
        db.con,
        query("report", "flag_notes"),
        {"ids": ids, "max_notes": MAX_NOTES, "max_chars": MAX_TEXT},
    ).df()
    turns_by = dict(tuple(turns.groupby("conversation_id", sort=False)))
    notes_by = dict(tuple(notes.groupby("conversation_id", sort=False)))

    out: list[FlaggedConversation] = []
    budget = DRILLDOWN_BUDGET
    for c in convs.itertuples(index=False):
        t = turns_by.get(c.conversation_id, turns.iloc[0:0])
        n = notes_by.get(c.conversation_id, notes.iloc[0:0])
        size = _estimated_size(t, n)
        if size > budget:
            break
        budget -= size
        out.append(_conversation(c, t, n))
    shown = len(out)
    note = f"{total:,} flagged conversation{'s' if total != 1 else ''} in this period"
    if shown < total:
        note += f"; the worst {shown:,} are listed"
    note += ". Most flags first, then longest wait."
    return tuple(out), note


def _conversation(c: Any, turns: pd.DataFrame, notes: pd.DataFrame) -> FlaggedConversation:
    flags = tuple(
        FlagNote(clip(r.flag), str(r.detail), "" if _missing(r.message_id) else str(r.message_id))
        for r in notes.itertuples(index=False)
    )
    shown: list[Turn] = []
    previous = 0
    for r in turns.itertuples(index=False):
        evidence = tuple(
            FlagNote(clip(f), str(d), str(r.message_id))
            for f, d in zip(list(r.flags), list(r.details), strict=True)
        )
        shown.append(
            Turn(
                seq=int(r.seq),
                time=fmt_moment(r.timestamp, "%H:%M:%S").replace("—", ""),
                role=str(r.role),
                event=str(r.event),
                text="" if _missing(r.text) else str(r.text),
                truncated=bool(r.truncated),
                evidence=evidence,
                skipped_before=int(r.seq) - previous - 1,
            )
        )
        previous = int(r.seq)
    turn_count = int(turns["turn_count"].iloc[0]) if len(turns) else 0
    outcome = _words(c.outcome)
    if not _missing(c.handoff_outcome):
        outcome += f" · {_words(c.handoff_outcome)}"
    return FlaggedConversation(
        conversation_id=str(c.conversation_id),
        started_at=fmt_moment(c.started_at),
        channel=clip(c.channel) or "—",
        queue=_queue_words(c.queue, c.final_queue),
        outcome=outcome,
        wait=fmt_seconds(c.wait_seconds),
        flags=flags,
        flag_names=tuple(sorted({f.flag for f in flags})),
        turns=tuple(shown),
        turns_omitted=turn_count - len(shown),
    )


# -- assembly -------------------------------------------------------------------------------
def _empty_table(table_id: str, title: str, text: str) -> Table:
    return Table(table_id, title, (), (), 0, text)


def _utc_stamp(generated_at: dt.datetime | None) -> str:
    when = generated_at or dt.datetime.now(dt.UTC)
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    return f"{when:%Y-%m-%d %H:%M:%S} UTC"


def _period_facts(db: Database, bounds: dict[str, Any]) -> pd.Series:
    """Conversation counts and start times; zeros for a database nothing was loaded into."""
    loaded = db.con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'conversations'"
        " AND schema_name = current_schema()"
    ).fetchone()
    if not loaded or not loaded[0]:
        return pd.Series({"conversations": 0, "database_conversations": 0})
    return run(db.con, query("report", "period"), bounds).df().iloc[0]


def build_context(
    db: Database,
    *,
    since: Moment = None,
    until: Moment = None,
    generated_at: dt.datetime | None = None,
    title: str = "Handoff friction report",
) -> ReportContext:
    """Read the period's metrics, flags and flagged transcripts into a `ReportContext`."""
    start, end = to_utc_naive(since), to_utc_naive(until)
    bounds = {"since": start, "until": end}
    facts = _period_facts(db, bounds)
    count = int(facts["conversations"])
    base = {
        "title": title,
        "tool_version": __version__,
        "generated_at": _utc_stamp(generated_at),
        "period": describe_period(start, end),
        "conversation_count": fmt_int(count),
        "definitions": DEFINITIONS,
    }
    if count == 0:
        held = int(facts["database_conversations"])
        summary = (
            f"The database holds {held:,} conversation{'s' if held != 1 else ''}, started "
            f"{fmt_moment(facts['database_first_start'])} to "
            f"{fmt_moment(facts['database_last_start'])} (UTC)."
            if held
            else "The database holds no conversations yet: load some transcripts first."
        )
        none = _empty_table("table-none", "", "")
        return ReportContext(
            **base,
            data_range="",
            empty=True,
            database_summary=summary,
            tiles=(),
            trend_charts=(),
            queue_table=none,
            channel_table=none,
            flag_table=none,
            flag_charts=(),
            top_queues_table=none,
            drilldown=(),
            drilldown_note="",
            drilldown_flags=(),
            plotly_js=Markup(""),
        )

    metrics = db.metrics(start, end)
    rates, flag_rates = metrics.rates, metrics.flag_rates
    overall = flag_rates[flag_rates["dimension"] == "all"].sort_values(
        ["rate", "flag"], ascending=[False, True]
    )
    flags = sorted(overall["flag"].head(MAX_FLAGS))
    drilldown, drilldown_note = _drilldown(db, bounds)
    return ReportContext(
        **base,
        data_range=f"{fmt_moment(facts['first_start'])} to {fmt_moment(facts['last_start'])} UTC",
        empty=False,
        database_summary="",
        tiles=_tiles(metrics.headline()),
        trend_charts=_trend_charts(rates),
        queue_table=_breakdown(rates, "queue", "queue"),
        channel_table=_breakdown(rates, "channel", "channel"),
        flag_table=_flag_table(flag_rates, flags),
        flag_charts=_flag_charts(flag_rates, rates, flags),
        top_queues_table=_top_queues(rates),
        drilldown=drilldown,
        drilldown_note=drilldown_note,
        drilldown_flags=tuple(sorted({f for c in drilldown for f in c.flag_names})),
        plotly_js=_plotly_js(),
    )


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(reports_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(ctx: ReportContext) -> str:
    """The report page for `ctx`."""
    return environment().get_template(TEMPLATE).render(ctx=ctx)


def write_report(
    db: Database,
    out: Path,
    since: Moment = None,
    until: Moment = None,
    generated_at: dt.datetime | None = None,
) -> Path:
    """Write the report for the period [since, until) to `out`; returns `out`."""
    html = render(build_context(db, since=since, until=until, generated_at=generated_at))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(html, encoding="utf-8", newline="\n")
    tmp.replace(out)
    return out


__all__ = ["CHART_IDS", "ReportContext", "build_context", "render", "write_report"]
