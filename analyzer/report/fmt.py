"""Display formatting for report values, and JSON made safe to embed in a `<script>` element."""

from __future__ import annotations

from functools import cache

import pandas as pd
import plotly.offline
from markupsafe import Markup

from analyzer.report.limits import MAX_LABEL


def missing(value: object) -> bool:
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_int(value: object) -> str:
    return "—" if missing(value) else f"{int(value):,}"  # type: ignore[call-overload]


def fmt_rate(value: object) -> str:
    return "—" if missing(value) else f"{float(value) * 100:.1f}%"  # type: ignore[arg-type]


def fmt_seconds(value: object) -> str:
    """45 s, 3 m 20 s, 2 h 05 m, 3 d 04 h; "—" when undefined."""
    if missing(value):
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
    if missing(value):
        return "—"
    v = float(value)  # type: ignore[arg-type]
    return f"{v:,.0f}" if v.is_integer() else f"{v:,.1f}"


def fmt_moment(value: object, spec: str = "%Y-%m-%d %H:%M") -> str:
    return "—" if missing(value) else str(pd.Timestamp(value).strftime(spec))


def clip(text: object, limit: int = MAX_LABEL) -> str:
    s = "" if missing(text) else str(text)
    return s if len(s) <= limit else s[: limit - 1] + "…"


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
def plotly_js() -> Markup:
    js = plotly.offline.get_plotlyjs()
    if "</script" in js.lower() or "<!--" in js:  # would end or confuse the <script> element
        raise RuntimeError("this plotly.js cannot be embedded inline")
    return Markup(js)  # the library itself, not data
