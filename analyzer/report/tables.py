"""KPI tiles and the breakdown, flag and top-queue tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from analyzer.metrics import BY_KEY, REGISTRY, Metric
from analyzer.report.context import Change, Column, Table, Tile
from analyzer.report.fmt import clip, fmt_int, fmt_number, fmt_rate, fmt_seconds, missing
from analyzer.report.limits import MAX_TABLE_ROWS, MAX_TOP_QUEUES, MIN_QUEUE_HANDOFFS


def _of(num: object, den: object, what: str) -> str:
    return f"{fmt_int(num)} of {fmt_int(den)} {what}"


NOT_MEASURABLE = "not measurable here"

_FORMATS = {"rate": fmt_rate, "int": fmt_int, "seconds": fmt_seconds, "number": fmt_number}


def show(m: Metric, value: object) -> str:
    """A metric's value as the report shows it."""
    return _FORMATS[m.format](value)


def tile_detail(m: Metric, g: Mapping[str, Any]) -> str:
    """Numerator and denominator in words: "40 of 70 engaged", "over 12 handoffs ..."."""
    if m.kind == "quantile":
        return f"over {fmt_int(g.get(m.numerator))} {m.detail}"
    if m.kind == "count":
        if not m.denominator:
            return m.numerator_text
        return _of(g.get(m.numerator), g.get(m.denominator), m.detail)
    text = _of(g.get(m.numerator), g.get(m.denominator), m.detail)
    for p in map(BY_KEY.__getitem__, m.parts):
        text += (
            f"; {p.label.strip('· ')} {fmt_rate(g.get(p.column))} ({fmt_int(g.get(p.numerator))})"
        )
    return text


def sparkline(values: list[object]) -> str:
    """SVG polyline points (100 x 24 box, y up) of the defined values; "" with fewer than two."""
    points = [(i, float(v)) for i, v in enumerate(values) if not missing(v)]  # type: ignore[arg-type]
    if len(points) < 2 or len(values) < 2:
        return ""
    lo, hi = min(v for _, v in points), max(v for _, v in points)
    span = hi - lo or 1.0
    step = 100 / (len(values) - 1)
    return " ".join(f"{i * step:.1f},{22 - (v - lo) / span * 20:.1f}" for i, v in points)


def tiles(
    h: Mapping[str, Any],
    changes: Mapping[str, Change] | None = None,
    unmeasurable: Mapping[str, str] | None = None,
    notes: Mapping[str, str] | None = None,
    trends: pd.DataFrame | None = None,
) -> tuple[Tile, ...]:
    """One tile per registry metric with `tile`; `changes` (keyed by metric) adds the comparison
    with the previous period; `unmeasurable` (metric -> why) shows "not measurable here";
    `notes` adds a line (e.g. a week whose recontacts are not settled yet); `trends` (weekly
    rows of the rates query, oldest first) draws each tile's sparkline."""
    found, missing_ = changes or {}, unmeasurable or {}
    weeks = trends if trends is not None else pd.DataFrame()
    out = []
    for m in REGISTRY:
        if not m.tile:
            continue
        if m.key in missing_:
            why = f"{missing_[m.key]} (counted over {m.denominator_text})"
            out.append(Tile(m.key, m.label, NOT_MEASURABLE, why, None, ""))
            continue
        series = list(weeks[m.column]) if m.column in weeks else []
        shown = [show(m, v) for v in series]
        out.append(
            Tile(
                m.key,
                m.label,
                show(m, h.get(m.column)),
                tile_detail(m, h),
                found.get(m.key),
                (notes or {}).get(m.key, ""),
                sparkline(series),
                f"last {len(series)} weeks: {', '.join(shown)}" if len(series) > 1 else "",
            )
        )
    return tuple(out)


_BREAKDOWN_COLUMNS = (
    Column("Conversations", True, ""),
    Column("Engaged", True, "conversations with a customer message"),
    Column("Handed off", True, ""),
    Column("Handoff rate", True, "handed off / engaged"),
    Column("Abandoned in queue", True, "abandoned in queue / handed off"),
    Column("Median wait", True, "median time from handoff to the first agent message"),
    Column("Friction rate", True, "handed off with a flag / handed off"),
)


def breakdown(rates: pd.DataFrame, dimension: str, label: str) -> Table:
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


def precision_words(row: Any) -> str:
    """ "80.0% of 10 reviewed" from a review_precision row (None: not reviewed)."""
    if row is None:
        return ""
    decided = int(row.confirmed) + int(row.false_positive)
    return f"precision {fmt_rate(row.precision)} ({fmt_int(row.confirmed)} of {decided:,} decided, {fmt_int(row.reviewed)} reviewed)"


def flag_table(
    flag_rates: pd.DataFrame,
    flags: list[str],
    precision: pd.DataFrame | None = None,
    severity: Mapping[str, float] | None = None,
    unmeasurable: Mapping[str, str] | None = None,
) -> Table:
    """Rate per flag, most severe first (the order of `flags`); with reviewers' verdicts, each
    flag's measured precision beside it; flags these logs cannot show are "not measurable here"."""
    df = flag_rates[(flag_rates["dimension"] == "all") & flag_rates["flag"].isin(flags)]
    order = {f: i for i, f in enumerate(flags)}
    df = df.assign(_order=df["flag"].map(order)).sort_values("_order")
    reviewed = precision is not None and not precision.empty
    by_flag = precision.set_index("flag") if reviewed else None  # type: ignore[union-attr]
    weights = severity or {}
    rows = []

    def review_cells(flag: str) -> tuple[str, ...]:
        if by_flag is None:
            return ()
        p = by_flag.loc[flag] if flag in by_flag.index else None
        return (
            fmt_int(p["reviewed"]) if p is not None else "0",
            fmt_rate(p["precision"]) if p is not None else "—",
        )

    for r in df.itertuples(index=False):
        cells = (
            clip(r.flag),
            fmt_int(r.flagged),
            fmt_int(r.handed_off),
            fmt_rate(r.rate),
            f"{weights.get(r.flag, 0.0):.1f}",
        )
        rows.append(cells + review_cells(str(r.flag)))
    for flag, why in sorted((unmeasurable or {}).items()):
        if flag not in order:
            rows.append((clip(flag), "—", "—", NOT_MEASURABLE, why, *review_cells(flag)))
    total = flag_rates.loc[flag_rates["dimension"] == "all", "flag"].nunique()
    extra = (
        (
            Column(
                "Reviewed", True, "flagged conversations with a reviewer's verdict (all periods)"
            ),
            Column("Precision", True, "confirmed / (confirmed + false positive)"),
        )
        if reviewed
        else ()
    )
    return Table(
        "table-flags",
        "Flags by severity",
        (
            Column("Flag", False, ""),
            Column("Flagged", True, "handed-off conversations with it"),
            Column("Handed off", True, ""),
            Column("Rate", True, "flagged / handed off"),
            Column("Severity", True, "flagged x harm, from the cost of friction table"),
            *extra,
        ),
        tuple(rows),
        max(0, int(total) - len(df)),
        "No friction flags in this period.",
    )


def top_queues(rates: pd.DataFrame) -> Table:
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
        f"Top queues by friction rate (at least {MIN_QUEUE_HANDOFFS} handoffs)",
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
