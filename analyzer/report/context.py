"""The template contract: `ReportContext` and the records it holds, all frozen and display-ready.

Every field is documented in its class docstring and used by `reports/report.html.j2`
(tests/test_report.py checks both).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from analyzer.metrics import OTHER_DEFINITIONS, REGISTRY


@dataclass(frozen=True)
class Change:
    """How a headline metric moved since the previous period of the same length.

    Attributes:
        previous: the previous period's value, formatted ("—" when undefined).
        delta: the change: "+2.3 pp" for rates, "+12%" (relative) for counts and times; "" when
            either value is undefined.
        verdict: "better", "worse", "up" or "down" (volumes, where neither is better),
            "within noise", "no change" or "not comparable".
        test: the noise test behind the verdict in words ("z = +2.41"), or why there is none.
    """

    previous: str
    delta: str
    verdict: str
    test: str


@dataclass(frozen=True)
class Tile:
    """One KPI tile.

    Attributes:
        key: stable identifier, used as the tile's `data-kpi` attribute.
        label: the metric's name.
        value: the formatted value ("42.0%", "3 m 10 s", "—" when undefined).
        detail: numerator and denominator in words, shown under the value and on hover.
        change: the comparison with the previous period, or None when there is none.
        note: a caveat under the tile ("not settled yet: ..."), or "".
        spark: the weekly trend as SVG polyline points in a 100 x 24 box ("0.0,12.0 ..."),
            oldest week first and the reported week last; "" without two weeks of values.
        spark_title: the trend in words for the sparkline's tooltip and screen readers.
    """

    key: str
    label: str
    value: str
    detail: str
    change: Change | None
    note: str = ""
    spark: str = ""
    spark_title: str = ""


@dataclass(frozen=True)
class VerdictLine:
    """One sentence of the verdict block at the top of the report.

    Attributes:
        text: the sentence.
        href: the section it summarises ("#kpis", "#friction", ...).
        tone: "worse", "better" or "info", for its marker.
    """

    text: str
    href: str
    tone: str


@dataclass(frozen=True)
class Banner:
    """A warning across the top: what these logs cannot show.

    Attributes:
        banner_id: the element id ("banner-no-bot", ...).
        text: what is missing and what is shown as "not measurable here" because of it.
    """

    banner_id: str
    text: str


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
        anchor: the element id, "conversation-<conversation_id>" (the review sheet's
            report_anchor; ids other than 1-120 letters, digits, "_", ".", ":" or "-" are
            replaced by "~" and their MD5).
        filter_queue: the first queue as the queue filter matches it ("(none)" without one).
        filter_channel: the channel as the channel filter matches it ("(none)" without one).
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
    anchor: str
    filter_queue: str
    filter_channel: str
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
class FlagGroup:
    """The flagged conversations listed under one flag on the review page.

    A conversation with several flags is listed once, under the first of its flags in group
    order (most severe flag first, then most listed conversations); the flag filter still finds
    it under every flag.

    Attributes:
        flag: the flag's name.
        group_id: the group's element id ("flag-group-1", ...).
        note: how many listed conversations have the flag and how many sit under other flags.
        precision: the flag's measured precision from reviewers' verdicts, in words, or "".
        conversations: the conversations listed here, worst first.
    """

    flag: str
    group_id: str
    note: str
    precision: str
    conversations: tuple[FlaggedConversation, ...]


@dataclass(frozen=True)
class FlagDefinition:
    """What raises one friction flag, with the thresholds in force.

    Attributes:
        flag: the flag (the detector's name).
        description: the detector's description (its SQL header), or how the flag was found.
        thresholds: the configuration values the detector reads, "name = value; ...", or "".
    """

    flag: str
    description: str
    thresholds: str


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
        timezone: the time zone whose days and weeks the charts and tables use.
        previous_period: the previous period of the same length in words, or "" when the period
            is open-ended (no comparison is shown then).
        redacted: personal data in transcripts and flag details was replaced ([email]...).
        verdict: three to five sentences at the top, each linking to its section.
        banners: what these logs cannot show (no bot side, no agent side, no times).
        tiles: KPI tiles, in display order, each with its change since the previous period.
        changed_flags_table: the flags whose rate moved most since the previous period.
        changed_queues_table: the queues whose friction rate moved most since then.
        trend_charts: weekly and daily outcome charts.
        breakdown_tables: per queue, channel, intent and bot version (a dimension no
            conversation of the period names is left out).
        flag_table: rate of each friction flag among handed-off conversations, with the
            reviewers' measured precision when there are verdicts, most severe first.
        bot_phase_note: the flags on conversations that never reached a human, with their own
            denominator, in words ("" when there are none).
        flag_charts: weekly trend of each flag's rate (empty when nothing is flagged).
        top_queues_table: queues with the highest friction rate.
        cost_table: what each flag costs (CSAT, handle time, recontact, resolution after
            handoff) with 95% intervals and counts, most severe first.
        reason_tables: why handoffs happened, overall, by intent and by queue.
        drilldown: flagged conversations, worst first, with transcripts.
        flag_groups: the same conversations grouped by flag for the review page.
        drilldown_note: how many flagged conversations exist and how many are listed.
        drilldown_flags: distinct flag names among the listed conversations (filter options).
        drilldown_queues: distinct first queues among them (filter options).
        drilldown_channels: distinct channels among them (filter options).
        definitions: numerator and denominator of every metric.
        flag_definitions: every detector's rule and thresholds, and flags found otherwise.
        noise_rule: how a change is told from noise, in words.
        config_source: where the configuration in force came from ("defaults" or a path).
        config_text: the configuration in force as TOML-like text.
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
    timezone: str
    previous_period: str
    redacted: bool
    verdict: tuple[VerdictLine, ...]
    banners: tuple[Banner, ...]
    tiles: tuple[Tile, ...]
    changed_flags_table: Table
    changed_queues_table: Table
    trend_charts: tuple[Chart, ...]
    breakdown_tables: tuple[Table, ...]
    flag_table: Table
    bot_phase_note: str
    flag_charts: tuple[Chart, ...]
    top_queues_table: Table
    cost_table: Table
    reason_tables: tuple[Table, ...]
    drilldown: tuple[FlaggedConversation, ...]
    flag_groups: tuple[FlagGroup, ...]
    drilldown_note: str
    drilldown_flags: tuple[str, ...]
    drilldown_queues: tuple[str, ...]
    drilldown_channels: tuple[str, ...]
    definitions: tuple[Definition, ...]
    flag_definitions: tuple[FlagDefinition, ...]
    noise_rule: str
    config_source: str
    config_text: str
    plotly_js: Markup


DEFINITIONS = tuple(
    Definition(m.label, m.numerator_text, m.denominator_text) for m in REGISTRY
) + tuple(Definition(*d) for d in OTHER_DEFINITIONS)

NOISE_RULE = (
    "Each headline number is compared with the previous period of the same length. Rates: the "
    "change is in percentage points (pp) and is called within noise when a two-proportion z-test "
    "gives |z| < 1.96 (about 95% confidence; the pooled rate's standard error uses both periods' "
    "denominators). Counts: relative change, within noise when |x1 - x0| / √(x1 + x0) < 1.96 "
    "(Poisson). Times and turns (medians, p90): relative change, within noise when the two "
    "periods' distribution-free 95% confidence intervals of that quantile overlap. Otherwise the "
    "change is called better or worse by the metric's direction: higher bot resolution is better; "
    "higher handoff, abandonment, failure and friction rates, waits and bot turns before handoff "
    "are worse; conversation counts only go up or down."
)
