"""Plotly charts for the report, serialised to escaped JSON and drawn by a small inline script."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup

from analyzer.report.context import Chart
from analyzer.report.fmt import clip, missing, script_json
from analyzer.report.limits import CHART_IDS, MAX_DAYS, MAX_WEEKS

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


def plotly_text(value: str) -> str:
    """A data value as plotly label text: plotly reads a few HTML tags (<a href>, <b>...) and
    entities in labels, so data is entity-escaped to be shown as written."""
    return escape(value, quote=False)


def _figure_json(fig: go.Figure) -> Markup:
    return script_json(pio.to_json(fig, validate=False, pretty=False, engine="json"))


def _round(values: Iterable[object], digits: int = 4) -> list[float | None]:
    out: list[float | None] = []
    for v in values:
        out.append(None if missing(v) else round(float(v), digits))  # type: ignore[arg-type]
    return out


def _counts(values: Iterable[object]) -> list[int]:
    return [0 if missing(v) else int(v) for v in values]  # type: ignore[call-overload]


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


def trend_charts(rates: pd.DataFrame, timezone: str = "UTC") -> tuple[Chart, ...]:
    dated = rates[rates["key"].notna()]  # conversations without a time have no day or week
    weeks = dated[dated["dimension"] == "week"].sort_values("key")
    days = dated[dated["dimension"] == "day"].sort_values("key")
    day_note = f"Days of {timezone}."
    if len(days) > MAX_DAYS:
        day_note += f" Last {MAX_DAYS} of {len(days)} days shown; the weekly charts cover them all."
        days = days.tail(MAX_DAYS)
    week_note = f"Weeks start on Monday 00:00 {timezone} (ISO weeks)."
    if len(weeks) > MAX_WEEKS:
        week_note += f" Last {MAX_WEEKS} of {len(weeks)} weeks shown."
        weeks = weeks.tail(MAX_WEEKS)
    return (
        _rate_chart(weeks, CHART_IDS[0], "Handoff and bot resolution rate by week", week_note),
        _outcome_chart(weeks, CHART_IDS[1], "Outcomes by week", week_note),
        _rate_chart(days, CHART_IDS[2], "Handoff and bot resolution rate by day", day_note),
        _outcome_chart(days, CHART_IDS[3], "Outcomes by day", day_note),
    )


def flag_charts(
    flag_rates: pd.DataFrame, rates: pd.DataFrame, flags: list[str]
) -> tuple[Chart, ...]:
    if not flags:
        return ()
    weeks = rates[(rates["dimension"] == "week") & (rates["handed_off"] > 0) & rates["key"].notna()]
    weeks = weeks.sort_values("key").tail(MAX_WEEKS)
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
                name=plotly_text(clip(flag, 40)),
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
