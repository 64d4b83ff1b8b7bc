"""Plotly charts for the report, serialised to escaped JSON and drawn by a small inline script."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup
from plotly.subplots import make_subplots

from analyzer.report.context import Chart
from analyzer.report.fmt import clip, missing, script_json
from analyzer.report.limits import CHART_IDS, MAX_DAYS, MAX_WEEKS

# Okabe & Ito's colour-blind-safe palette; every series also gets its own marker shape.
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
SERIES = ("blue", "orange", "green", "vermillion", "sky", "purple", "black")
MARKERS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star")
_OUTCOMES = (
    ("bot_resolved", "Bot resolved", OKABE_ITO["green"]),
    ("handed_off", "Handed off", OKABE_ITO["blue"]),
    ("abandoned", "Abandoned", OKABE_ITO["vermillion"]),
    ("unengaged", "Unengaged", "#BBBBBB"),
)
_COLORWAY = [OKABE_ITO[c] for c in SERIES]
_HIGHLIGHT = "rgba(230, 159, 0, 0.18)"  # the reported week, behind the lines


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


_RATE_SERIES = (
    ("bot_resolution_rate", "Bot resolution", "bot_resolved", "engaged"),
    ("durable_resolution_rate", "Durable resolution", "durable_resolved", "engaged_identified"),
    ("handoff_rate", "Handoff rate", "handed_off", "engaged"),
    ("graceful_handoff_rate", "Graceful handoffs", "handed_off_graceful", "handed_off"),
)


def week_label(key: object) -> str:
    """ "2026-W46 · 9 Nov" for a week's Monday ("2026-11-09"): readable on any axis."""
    day = pd.Timestamp(str(key))
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d} · {day.day} {day:%b}"


def _highlight_shape(x: list[str], chosen: str) -> list[dict[str, Any]]:
    if chosen not in x:
        return []
    i = x.index(chosen)
    return [
        {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            "x0": i - 0.5,
            "x1": i + 0.5,
            "y0": 0,
            "y1": 1,
            "fillcolor": _HIGHLIGHT,
            "line": {"width": 0},
            "layer": "below",
        }
    ]


def _date_axis(fig: go.Figure, labels: list[str]) -> None:
    """Days on a date axis: Plotly picks readable ticks ("Mon 09 Mar") at every range."""
    if labels and all(len(x) == 10 and x[4] == "-" for x in labels):
        fig.update_xaxes(type="date", tickformat="%a %d %b", hoverformat="%a %d %b %Y")


def _rate_chart(
    df: pd.DataFrame, div_id: str, title: str, note: str, labels: list[str], chosen: str = ""
) -> Chart:
    keys = [str(k) for k in df["key"]]
    fig = go.Figure(layout=_layout("share", percent=True))
    _date_axis(fig, labels)
    for i, (column, name, num, den) in enumerate(_RATE_SERIES):
        if column not in df or df[column].isna().all():
            continue
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=_round(df[column]),
                name=name,
                mode="lines+markers",
                line={"color": OKABE_ITO[SERIES[i]]},
                marker={"symbol": MARKERS[i], "size": 8},
                customdata=[
                    [n, d] for n, d in zip(_counts(df[num]), _counts(df[den]), strict=True)
                ],
                hovertemplate="%{y:.1%} (%{customdata[0]} / %{customdata[1]})",
            )
        )
    fig.update_layout(shapes=_highlight_shape(keys, chosen))
    return Chart(div_id, title, note, _figure_json(fig))


def _outcome_chart(
    df: pd.DataFrame, div_id: str, title: str, note: str, labels: list[str], chosen: str = ""
) -> Chart:
    keys = [str(k) for k in df["key"]]
    fig = go.Figure(layout=_layout("conversations", stacked=True))
    _date_axis(fig, labels)
    for column, name, color in _OUTCOMES:
        fig.add_trace(go.Bar(x=labels, y=_counts(df[column]), name=name, marker={"color": color}))
    fig.update_layout(shapes=_highlight_shape(keys, chosen))
    return Chart(div_id, title, note, _figure_json(fig))


def trend_charts(rates: pd.DataFrame, timezone: str = "UTC", chosen: str = "") -> tuple[Chart, ...]:
    """Weekly and daily rate and outcome charts; `chosen` (a week's Monday) is highlighted."""
    dated = rates[rates["key"].notna()]  # conversations without a time have no day or week
    weeks = dated[dated["dimension"] == "week"].sort_values("key")
    days = dated[dated["dimension"] == "day"].sort_values("key")
    day_note = f"Days of {timezone}."
    if len(days) > MAX_DAYS:
        day_note += f" Last {MAX_DAYS} of {len(days)} days shown; the weekly charts cover them all."
        days = days.tail(MAX_DAYS)
    week_note = f"Weeks start on Monday 00:00 {timezone} (ISO weeks)."
    if chosen:
        week_note += " The reported week is shaded, beside the weeks before it."
    if len(weeks) > MAX_WEEKS:
        week_note += f" Last {MAX_WEEKS} of {len(weeks)} weeks shown."
        weeks = weeks.tail(MAX_WEEKS)
    w = [week_label(k) for k in weeks["key"]]
    d = [str(k) for k in days["key"]]
    return (
        _rate_chart(
            weeks, CHART_IDS[0], "Resolution and handoff rates by week", week_note, w, chosen
        ),
        _outcome_chart(weeks, CHART_IDS[1], "Outcomes by week", week_note, w, chosen),
        _rate_chart(days, CHART_IDS[2], "Resolution and handoff rates by day", day_note, d),
        _outcome_chart(days, CHART_IDS[3], "Outcomes by day", day_note, d),
    )


SMALL_COLUMNS = 3  # small multiples per row


def flag_charts(
    flag_rates: pd.DataFrame, rates: pd.DataFrame, flags: list[str], chosen: str = ""
) -> tuple[Chart, ...]:
    """One small chart per flag (most severe first) on shared axes: the weekly share of
    handed-off conversations with the flag; the reported week in orange, the others blue."""
    if not flags:
        return ()
    weeks = rates[(rates["dimension"] == "week") & (rates["handed_off"] > 0) & rates["key"].notna()]
    weeks = weeks.sort_values("key").tail(MAX_WEEKS)
    weekly = flag_rates[(flag_rates["dimension"] == "week") & flag_rates["flag"].isin(flags)]
    grid = weekly.pivot_table(index="key", columns="flag", values="flagged", aggfunc="sum")
    grid = grid.reindex(index=list(weeks["key"]), columns=flags).fillna(0)
    handed = weeks.set_index("key")["handed_off"].astype(float)
    keys = [str(k) for k in weeks["key"]]
    x = [week_label(k) for k in keys]
    rows = -(-len(flags) // SMALL_COLUMNS)
    fig = make_subplots(
        rows=rows,
        cols=SMALL_COLUMNS,
        shared_xaxes=True,
        shared_yaxes=True,
        subplot_titles=[plotly_text(clip(f, 40)) for f in flags],
        vertical_spacing=0.5 / rows if rows > 1 else 0.1,
        horizontal_spacing=0.04,
    )
    colors = [OKABE_ITO["orange"] if k == chosen else OKABE_ITO["blue"] for k in keys]
    for i, flag in enumerate(flags):
        flagged = grid[flag]
        fig.add_trace(
            go.Bar(
                x=x,
                y=_round(flagged / handed),
                name=plotly_text(clip(flag, 40)),
                marker={"color": colors},
                showlegend=False,
                customdata=[[n, d] for n, d in zip(_counts(flagged), _counts(handed), strict=True)],
                hovertemplate="%{x}: %{y:.1%} (%{customdata[0]} / %{customdata[1]})<extra></extra>",
            ),
            row=i // SMALL_COLUMNS + 1,
            col=i % SMALL_COLUMNS + 1,
        )
    layout = _layout("", percent=True)
    layout.pop("xaxis")
    layout.pop("yaxis")
    layout["height"] = 150 * rows + 60
    layout["hovermode"] = "closest"
    layout["margin"] = {"l": 48, "r": 8, "t": 28, "b": 60}
    fig.update_layout(**layout)
    fig.update_yaxes(tickformat=".0%", rangemode="tozero", gridcolor="#e9ecef")
    fig.update_xaxes(type="category", showgrid=False, tickangle=-45, tickfont={"size": 9})
    fig.update_annotations(font={"size": 12})
    note = "Share of each week's handed-off conversations with the flag, one chart per flag on shared axes, most severe first."
    if chosen:
        note += " The reported week is orange."
    return (Chart(CHART_IDS[4], "Flag rate by week", note, _figure_json(fig)),)
