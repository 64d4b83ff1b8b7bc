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

from analyzer.report.build import WrittenReport, build_context, default_period, render, write_report
from analyzer.report.context import (
    Change,
    Chart,
    Column,
    Definition,
    FlagDefinition,
    FlaggedConversation,
    FlagGroup,
    FlagNote,
    ReportContext,
    Table,
    Tile,
    Turn,
)
from analyzer.report.limits import (
    CHART_IDS,
    MAX_CHANGED,
    MAX_DRILLDOWN,
    MAX_TEXT,
    MAX_TURNS,
    SIZE_LIMIT,
    TEMPLATE,
)

__all__ = [
    "CHART_IDS",
    "MAX_CHANGED",
    "MAX_DRILLDOWN",
    "MAX_TEXT",
    "MAX_TURNS",
    "SIZE_LIMIT",
    "TEMPLATE",
    "Change",
    "Chart",
    "Column",
    "Definition",
    "FlagDefinition",
    "FlagGroup",
    "FlagNote",
    "FlaggedConversation",
    "ReportContext",
    "Table",
    "Tile",
    "Turn",
    "WrittenReport",
    "build_context",
    "default_period",
    "render",
    "write_report",
]
