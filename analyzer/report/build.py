"""Assembles the `ReportContext` for a period, renders the template and writes the file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import jinja2
import pandas as pd
from markupsafe import Markup

from analyzer._version import __version__
from analyzer.config import Config
from analyzer.engine import DuckDBEngine
from analyzer.metrics import Metrics, headline_values, metrics_on, recontact_days
from analyzer.period import Period, latest_complete_week
from analyzer.redaction import redact_columns, redaction_params
from analyzer.report.charts import flag_charts, trend_charts
from analyzer.report.compare import changed_flags, changed_queues, tile_changes
from analyzer.report.context import (
    DEFINITIONS,
    NOISE_RULE,
    FlaggedConversation,
    ReportContext,
    Table,
)
from analyzer.report.coverage import coverage
from analyzer.report.definitions import config_text, flag_definitions
from analyzer.report.drilldown import drilldown, group_by_flag
from analyzer.report.fmt import fmt_int, fmt_moment, plotly_js
from analyzer.report.friction import bot_phase_words, cost_table, reason_tables
from analyzer.report.limits import MAX_CHART_FLAGS, MAX_FLAGS, SIZE_LIMIT, TEMPLATE
from analyzer.report.tables import breakdown, flag_table, precision_words, tiles, top_queues
from analyzer.report.trend import highlight, trend_flags, trend_rates, weekly
from analyzer.report.verdict import verdict_lines
from analyzer.resources import reports_dir
from analyzer.review import precision
from analyzer.sql import query, run


def _empty_table(table_id: str, title: str, text: str) -> Table:
    return Table(table_id, title, (), (), 0, text)


def _utc_stamp(generated_at: dt.datetime | None) -> str:
    when = generated_at or dt.datetime.now(dt.UTC)
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    return f"{when:%Y-%m-%d %H:%M:%S} UTC"


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = $name"
        " AND schema_name = current_schema()",
        {"name": name},
    ).fetchone()
    return bool(found and found[0])


def _period_facts(con: duckdb.DuckDBPyConnection, bounds: dict[str, Any]) -> pd.Series:
    """Conversation counts and start times; zeros for a database nothing was loaded into."""
    if not _has_table(con, "conversations"):
        return pd.Series({"conversations": 0, "database_conversations": 0})
    return run(con, query("report", "period"), bounds).df().iloc[0]


def default_period(con: duckdb.DuckDBPyConnection, timezone: str = "UTC") -> Period:
    """The report's default: the latest complete ISO week in the data (all data when the data
    has no times or nothing is loaded)."""
    if not _has_table(con, "conversations"):
        return Period.between(None, None)
    last = run(con, query("report", "latest_activity")).fetchone()
    if not last or last[0] is None:
        return Period.between(None, None)
    return latest_complete_week(last[0], timezone)


def _intervals(con: duckdb.DuckDBPyConnection, period: Period) -> dict[str, dict[str, Any]]:
    df = run(
        con,
        query("report", "quantile_intervals"),
        {"since": period.since, "until": period.until},
    ).df()
    return {str(r["metric"]): r for r in df.to_dict("records")}


def _precision(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    try:
        return precision(con)
    except duckdb.CatalogException:  # a database written before reviews existed
        return pd.DataFrame()


def _empty_context(base: dict[str, Any], facts: pd.Series, config: Config) -> ReportContext:
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
        verdict=(),
        banners=(),
        tiles=(),
        changed_flags_table=none,
        changed_queues_table=none,
        trend_charts=(),
        breakdown_tables=(),
        flag_table=none,
        bot_phase_note="",
        flag_charts=(),
        top_queues_table=none,
        cost_table=none,
        reason_tables=(),
        drilldown=(),
        flag_groups=(),
        drilldown_note="",
        drilldown_flags=(),
        drilldown_queues=(),
        drilldown_channels=(),
        flag_definitions=flag_definitions(config, ()),
        plotly_js=Markup(""),
    )


def build_context(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    period: Period,
    *,
    generated_at: dt.datetime | None = None,
    title: str = "Handoff friction report",
    redact: bool = True,
) -> ReportContext:
    """Read the period's metrics, flags and flagged transcripts into a `ReportContext`.

    Days and weeks are those of the period's time zone; the previous period is the one of the
    same length just before (none when the period is open-ended).
    """
    start, end, tz = period.since, period.until, period.timezone
    bounds = {"since": start, "until": end}
    facts = _period_facts(con, bounds)
    count = int(facts["conversations"])
    before = period.previous()
    base: dict[str, Any] = {  # the header fields every page has, empty or not
        "title": title,
        "tool_version": __version__,
        "generated_at": _utc_stamp(generated_at),
        "period": period.describe(),
        "conversation_count": fmt_int(count),
        "timezone": tz,
        "previous_period": before.describe() if before else "",
        "redacted": redact,
        "definitions": DEFINITIONS,
        "noise_rule": NOISE_RULE,
        "config_source": config.source,
        "config_text": config_text(config.data),
    }
    if count == 0:
        return _empty_context(base, facts, config)

    engine = DuckDBEngine(con)
    days = recontact_days(config)
    redaction = redaction_params(config, redact)
    metrics = _shown(con, metrics_on(engine, {**bounds, "timezone": tz}, days), redaction)
    rates, flag_rates = metrics.rates, metrics.flag_rates
    headline = metrics.headline()
    if before is not None:
        earlier = _shown(
            con,
            metrics_on(
                engine, {"since": before.since, "until": before.until, "timezone": tz}, days
            ),
            redaction,
        )
        previous_head = earlier.headline()
        changes = tile_changes(
            headline, previous_head, _intervals(con, period), _intervals(con, before)
        )
        previous_rates, previous_flags = earlier.rates, earlier.flag_rates
    else:
        previous_head, changes = {}, {}
        previous_rates, previous_flags = rates.iloc[0:0], flag_rates.iloc[0:0]
    cover = coverage(con, bounds)
    unmeasurable = cover.unmeasurable()
    cost = run(con, query("metrics", "friction_cost"), bounds).df()
    severity = {str(r.flag): float(r.severity) for r in cost.itertuples(index=False)}
    overall = flag_rates[flag_rates["dimension"] == "all"].copy()
    overall["severity"] = overall["flag"].map(severity).fillna(0.0)
    overall = overall.sort_values(["severity", "rate", "flag"], ascending=[False, False, True])
    flags = list(overall["flag"].head(MAX_FLAGS))
    charted = list(overall["flag"].head(MAX_CHART_FLAGS))
    reviewed = _precision(con)
    weights = {str(r.flag): float(r.harm) for r in cost.itertuples(index=False)}
    listed, listed_note = drilldown(con, config, bounds, weights, redact=redact)
    bot_phase = run(con, query("metrics", "bot_phase_flags"), bounds).df()
    trend = trend_rates(engine, period, rates, days)
    reasons = run(con, query("saved", "handoff_reasons"), bounds).df()
    notes = _settled_notes(headline, days)
    label = base["previous_period"]
    return ReportContext(
        **base,
        data_range=f"{fmt_moment(facts['first_start'])} to {fmt_moment(facts['last_start'])} UTC",
        empty=False,
        database_summary="",
        verdict=verdict_lines(
            headline,
            previous_head,
            changes,
            cost,
            flag_rates,
            previous_flags,
            unmeasurable,
            label,
            notes,
            reasons,
        ),
        banners=cover.banners(),
        tiles=tiles(headline, changes, unmeasurable, notes, weekly(trend)),
        changed_flags_table=changed_flags(
            flag_rates,
            previous_flags,
            headline.get("handed_off"),
            previous_head.get("handed_off") if previous_head else 0,
            label,
        ),
        changed_queues_table=changed_queues(rates, previous_rates, label),
        trend_charts=trend_charts(trend, tz, highlight(period)),
        breakdown_tables=_breakdowns(rates, facts),
        flag_table=flag_table(flag_rates, flags, reviewed, severity, cover.unmeasurable_flags()),
        bot_phase_note=bot_phase_words(bot_phase),
        flag_charts=flag_charts(
            trend_flags(engine, period, flag_rates, days), trend, charted, highlight(period)
        ),
        top_queues_table=top_queues(rates),
        cost_table=cost_table(cost, cover),
        reason_tables=reason_tables(reasons),
        flag_definitions=flag_definitions(config, overall["flag"]),
        plotly_js=plotly_js(),
        **_listing(listed, listed_note, _precision_words(reviewed), list(overall["flag"])),
    )


def _shown(con: duckdb.DuckDBPyConnection, metrics: Metrics, redaction: dict[str, Any]) -> Metrics:
    """The metrics with personal data replaced in their keys (queue, channel, intent names)."""
    return replace(
        metrics,
        rates=redact_columns(con, metrics.rates, ("key",), redaction),
        flag_rates=redact_columns(con, metrics.flag_rates, ("key",), redaction),
    )


def _settled_notes(headline: dict[str, Any], days: float) -> dict[str, str]:
    """ "not settled yet" on the recontact-based tiles while the data ends too soon after them."""
    open_ = headline.get("recontact_unsettled") or 0
    if not open_:
        return {}
    text = (
        f"not settled yet: {int(open_):,} ended within {days:g} days of the data's end, "
        "load the following days"
    )
    return {"durable_resolution_rate": text, "recontact_after_handoff_rate": text}


def _breakdowns(rates: pd.DataFrame, facts: pd.Series) -> tuple[Table, ...]:
    tables = [breakdown(rates, "queue", "queue"), breakdown(rates, "channel", "channel")]
    if int(facts["with_intent"]):
        tables.append(breakdown(rates, "intent", "intent (topic)"))
    if int(facts["with_bot_version"]):
        tables.append(breakdown(rates, "bot_version", "bot version"))
    return tuple(tables)


def _precision_words(reviewed: pd.DataFrame) -> dict[str, str]:
    return {str(r.flag): precision_words(r) for r in reviewed.itertuples(index=False)}


def _listing(
    listed: tuple[FlaggedConversation, ...],
    note: str,
    precision: dict[str, str],
    severity: list[str],
) -> dict[str, Any]:
    """The review page's fields for these listed conversations (groups most severe flag first)."""
    return {
        "drilldown": listed,
        "flag_groups": group_by_flag(listed, precision, severity),
        "drilldown_note": note,
        "drilldown_flags": tuple(sorted({f for c in listed for f in c.flag_names})),
        "drilldown_queues": tuple(sorted({c.filter_queue for c in listed})),
        "drilldown_channels": tuple(sorted({c.filter_channel for c in listed})),
    }


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
    """The report page for `ctx`.

    The drill-down is sized by an estimate; should the page still exceed SIZE_LIMIT bytes,
    the drill-down is shortened (worst conversations kept) until it fits.
    """
    template = environment().get_template(TEMPLATE)
    html = template.render(ctx=ctx)
    while len(html.encode("utf-8")) >= SIZE_LIMIT and ctx.drilldown:
        keep = ctx.drilldown[: len(ctx.drilldown) // 2]
        precision = {g.flag: g.precision for g in ctx.flag_groups}
        note = f"{ctx.drilldown_note} Shortened to the worst {len(keep):,} to keep the file small."
        order = [g.flag for g in ctx.flag_groups]
        ctx = replace(ctx, **_listing(keep, note, precision, order))
        html = template.render(ctx=ctx)
    return html


@dataclass(frozen=True)
class WrittenReport:
    """A report written to `path`: what its page shows (`context`) and the period's headline
    metrics as plain values, keyed like the registry (None when undefined)."""

    path: Path
    context: ReportContext
    headline: dict[str, Any]
    previous: dict[str, Any]


def write_report(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    period: Period,
    out: Path,
    *,
    generated_at: dt.datetime | None = None,
    redact: bool = True,
) -> WrittenReport:
    """Write the report for `period` to `out` (UTF-8).

    `generated_at` is printed in the header (default: now; a naive value is taken as UTC);
    pass it for byte-identical output from identical data. `redact=False` shows transcripts and
    flag details with their personal data (e-mail addresses, card, phone, account numbers).
    """
    ctx = build_context(con, config, period, generated_at=generated_at, redact=redact)
    html = render(ctx)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(html, encoding="utf-8", newline="\n")
    tmp.replace(out)
    return WrittenReport(out, ctx, *_headlines(con, config, period))


def _headlines(
    con: duckdb.DuckDBPyConnection, config: Config, period: Period
) -> tuple[dict[str, Any], dict[str, Any]]:
    if not _has_table(con, "conversations"):
        return {}, {}
    engine, days = DuckDBEngine(con), recontact_days(config)

    def values(p: Period | None) -> dict[str, Any]:
        if p is None:
            return {}
        m = metrics_on(engine, {"since": p.since, "until": p.until, "timezone": p.timezone}, days)
        head = m.headline()
        return headline_values(head) if head else {}

    return values(period), values(period.previous())
