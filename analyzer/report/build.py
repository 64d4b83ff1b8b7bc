"""Assembles the `ReportContext` for a period, renders the template and writes the file."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import pandas as pd
from markupsafe import Markup

from analyzer import __version__
from analyzer.api import Moment, to_utc_naive
from analyzer.report.charts import flag_charts, trend_charts
from analyzer.report.context import DEFINITIONS, FlaggedConversation, ReportContext, Table
from analyzer.report.drilldown import drilldown
from analyzer.report.fmt import describe_period, fmt_int, fmt_moment, plotly_js
from analyzer.report.limits import MAX_CHART_FLAGS, MAX_FLAGS, SIZE_LIMIT, TEMPLATE
from analyzer.report.tables import breakdown, flag_table, tiles, top_queues
from analyzer.resources import reports_dir
from analyzer.sql import query, run

if TYPE_CHECKING:
    from analyzer.api import Database


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
    charted = sorted(overall["flag"].head(MAX_CHART_FLAGS))
    listed, listed_note = drilldown(db, bounds)
    return ReportContext(
        **base,
        data_range=f"{fmt_moment(facts['first_start'])} to {fmt_moment(facts['last_start'])} UTC",
        empty=False,
        database_summary="",
        tiles=tiles(metrics.headline()),
        trend_charts=trend_charts(rates),
        queue_table=breakdown(rates, "queue", "queue"),
        channel_table=breakdown(rates, "channel", "channel"),
        flag_table=flag_table(flag_rates, flags),
        flag_charts=flag_charts(flag_rates, rates, charted),
        top_queues_table=top_queues(rates),
        drilldown=listed,
        drilldown_note=listed_note,
        drilldown_flags=_flag_names(listed),
        plotly_js=plotly_js(),
    )


def _flag_names(listed: tuple[FlaggedConversation, ...]) -> tuple[str, ...]:
    return tuple(sorted({f for c in listed for f in c.flag_names}))


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
        ctx = replace(
            ctx,
            drilldown=keep,
            drilldown_note=f"{ctx.drilldown_note} Shortened to the worst {len(keep):,} to keep"
            " the file small.",
            drilldown_flags=_flag_names(keep),
        )
        html = template.render(ctx=ctx)
    return html


def write_report(
    db: Database,
    out: Path,
    since: Moment = None,
    until: Moment = None,
    generated_at: dt.datetime | None = None,
) -> Path:
    """Write the report for the period [since, until) to `out` (UTF-8); returns `out`.

    `generated_at` is printed in the header (default: now; a naive value is taken as UTC);
    pass it for byte-identical output from identical data.
    """
    html = render(build_context(db, since=since, until=until, generated_at=generated_at))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(html, encoding="utf-8", newline="\n")
    tmp.replace(out)
    return out
