"""The template contract: `ReportContext` and the records it holds, all frozen and display-ready.

Every field is documented in its class docstring and used by `reports/report.html.j2`
(tests/test_report.py checks both).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup


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
