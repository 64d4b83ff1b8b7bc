"""Assembles the `ReportContext` for a period, renders the template and writes the file."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import jinja2
import pandas as pd
from markupsafe import Markup

from analyzer._version import __version__
from analyzer.period import Moment, Period, to_utc_naive, zone
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
from analyzer.report.definitions import config_text, flag_definitions
from analyzer.report.drilldown import drilldown, group_by_flag
from analyzer.report.fmt import describe_period, fmt_int, fmt_moment, plotly_js
from analyzer.report.limits import MAX_CHART_FLAGS, MAX_FLAGS, SIZE_LIMIT, TEMPLATE
from analyzer.report.tables import breakdown, flag_table, precision_words, tiles, top_queues
from analyzer.resources import reports_dir
from analyzer.review import precision
from analyzer.sql import query, run

if TYPE_CHECKING:
    from analyzer.api import Database, Metrics


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


def _describe(period: Period) -> str:
    if not period.label:
        return describe_period(period.since, period.until)
    if period.kind == "all":
        return "all data"
    if period.kind == "week" and period.since and period.until:
        tz = zone(period.timezone)
        first, last = (
            v.replace(tzinfo=dt.UTC).astimezone(tz).date() for v in (period.since, period.until)
        )
        return f"{period.label} ({first} to {last}, {period.timezone}, end excluded)"
    return f"{period.label} ({period.timezone}, end excluded)"


def _as_period(period: Period | None, since: Moment, until: Moment) -> Period:
    if period is not None:
        return period
    start, end = to_utc_naive(since), to_utc_naive(until)
    kind = "all" if start is None and end is None else "range"
    return Period(start, end, "", "UTC", kind)


def _intervals(db: Database, period: Period) -> dict[str, dict[str, Any]]:
    df = run(
        db.con,
        query("report", "quantile_intervals"),
        {"since": period.since, "until": period.until},
    ).df()
    return {str(r["metric"]): r for r in df.to_dict("records")}


def _precision(db: Database) -> pd.DataFrame:
    try:
        return precision(db.con)
    except duckdb.CatalogException:  # a database written before reviews existed
        return pd.DataFrame()


def build_context(
    db: Database,
    *,
    since: Moment = None,
    until: Moment = None,
    period: Period | None = None,
    generated_at: dt.datetime | None = None,
    title: str = "Handoff friction report",
    redact: bool = True,
) -> ReportContext:
    """Read the period's metrics, flags and flagged transcripts into a `ReportContext`.

    `period` (with its time zone and previous period) wins over `since`/`until`; with only
    `since`/`until`, days and weeks are UTC and the previous period is the one of the same length
    just before (none when either bound is open).
    """
    chosen = _as_period(period, since, until)
    start, end, tz = chosen.since, chosen.until, chosen.timezone
    bounds = {"since": start, "until": end}
    facts = _period_facts(db, bounds)
    count = int(facts["conversations"])
    before = chosen.previous()
    base: dict[str, Any] = {
        "title": title,
        "tool_version": __version__,
        "generated_at": _utc_stamp(generated_at),
        "period": _describe(chosen),
        "conversation_count": fmt_int(count),
        "timezone": tz,
        "previous_period": _describe(before) if before else "",
        "redacted": redact,
        "definitions": DEFINITIONS,
        "noise_rule": NOISE_RULE,
        "config_source": db.config.source,
        "config_text": config_text(db.config.data),
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
            changed_flags_table=none,
            changed_queues_table=none,
            trend_charts=(),
            breakdown_tables=(),
            flag_table=none,
            flag_charts=(),
            top_queues_table=none,
            drilldown=(),
            flag_groups=(),
            drilldown_note="",
            drilldown_flags=(),
            drilldown_queues=(),
            drilldown_channels=(),
            flag_definitions=flag_definitions(db.config, ()),
            plotly_js=Markup(""),
        )

    redaction = redaction_params(db.config, redact)
    metrics = _shown(db, db.metrics(start, end, timezone=tz), redaction)
    rates, flag_rates = metrics.rates, metrics.flag_rates
    headline = metrics.headline()
    if before is not None:
        earlier = _shown(db, db.metrics(before.since, before.until, timezone=tz), redaction)
        changes = tile_changes(
            headline, earlier.headline(), _intervals(db, chosen), _intervals(db, before)
        )
        previous_rates, previous_flags = earlier.rates, earlier.flag_rates
        handed_before = earlier.headline().get("handed_off")
    else:
        changes, previous_rates, previous_flags, handed_before = (
            {},
            rates.iloc[0:0],
            flag_rates.iloc[0:0],
            0,
        )
    label = base["previous_period"]
    overall = flag_rates[flag_rates["dimension"] == "all"].sort_values(
        ["rate", "flag"], ascending=[False, True]
    )
    flags = sorted(overall["flag"].head(MAX_FLAGS))
    charted = sorted(overall["flag"].head(MAX_CHART_FLAGS))
    reviewed = _precision(db)
    listed, listed_note = drilldown(db, bounds, redact=redact)
    return ReportContext(
        **base,
        data_range=f"{fmt_moment(facts['first_start'])} to {fmt_moment(facts['last_start'])} UTC",
        empty=False,
        database_summary="",
        tiles=tiles(headline, changes),
        changed_flags_table=changed_flags(
            flag_rates, previous_flags, headline.get("handed_off"), handed_before, label
        ),
        changed_queues_table=changed_queues(rates, previous_rates, label),
        trend_charts=trend_charts(rates, tz),
        breakdown_tables=_breakdowns(rates, facts),
        flag_table=flag_table(flag_rates, flags, reviewed),
        flag_charts=flag_charts(flag_rates, rates, charted),
        top_queues_table=top_queues(rates),
        flag_definitions=flag_definitions(db.config, overall["flag"]),
        plotly_js=plotly_js(),
        **_listing(listed, listed_note, _precision_words(reviewed)),
    )


def _shown(db: Database, metrics: Metrics, redaction: dict[str, Any]) -> Metrics:
    """The metrics with personal data replaced in their keys (queue, channel, intent names)."""
    return replace(
        metrics,
        rates=redact_columns(db.con, metrics.rates, ("key",), redaction),
        flag_rates=redact_columns(db.con, metrics.flag_rates, ("key",), redaction),
    )


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
    listed: tuple[FlaggedConversation, ...], note: str, precision: dict[str, str]
) -> dict[str, Any]:
    """The review page's fields for these listed conversations."""
    return {
        "drilldown": listed,
        "flag_groups": group_by_flag(listed, precision),
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
        ctx = replace(ctx, **_listing(keep, note, precision))
        html = template.render(ctx=ctx)
    return html


def write_report(
    db: Database,
    out: Path,
    since: Moment = None,
    until: Moment = None,
    generated_at: dt.datetime | None = None,
    *,
    period: Period | None = None,
    redact: bool = True,
) -> Path:
    """Write the report for `period` (else [since, until)) to `out` (UTF-8); returns `out`.

    `generated_at` is printed in the header (default: now; a naive value is taken as UTC);
    pass it for byte-identical output from identical data. `redact=False` shows transcripts and
    flag details with their personal data (e-mail addresses, card, phone, account numbers).
    """
    html = render(
        build_context(
            db, since=since, until=until, period=period, generated_at=generated_at, redact=redact
        )
    )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(html, encoding="utf-8", newline="\n")
    tmp.replace(out)
    return out
