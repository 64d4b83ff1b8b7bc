"""The cost of friction, the reasons for handoffs and the bot-phase flags, as report tables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from analyzer.report.context import Column, Table
from analyzer.report.fmt import clip, fmt_int, fmt_rate, fmt_seconds, missing
from analyzer.report.limits import MAX_TABLE_ROWS

if TYPE_CHECKING:
    from analyzer.report.coverage import Coverage

NOT_MEASURABLE = "not measurable here"

REASONS = ("customer_request", "bot_failure", "bot_initiated", "platform", "unknown")
REASON_WORDS = {
    "customer_request": "customer asked",
    "bot_failure": "bot failed",
    "bot_initiated": "by design",
    "platform": "platform rule",
    "unknown": "unknown",
}


def _diff(value: object, ci: object, n1: object, n0: object, kind: str) -> str:
    """ "-0.21 (±0.08; 40 vs 380)" for a difference with its 95% interval and counts."""
    if missing(value) or not n1 or not n0:
        return "—"
    v = float(value)  # type: ignore[arg-type]
    half = "" if missing(ci) else float(ci)  # type: ignore[arg-type]
    if kind == "points":
        core = f"{v * 100:+.1f} pp" + ("" if half == "" else f" (±{half * 100:.1f})")
    elif kind == "seconds":
        sign = "+" if v >= 0 else "-"
        core = f"{sign}{fmt_seconds(abs(v))}" + ("" if half == "" else f" (±{fmt_seconds(half)})")
    else:
        core = f"{v:+.2f}" + ("" if half == "" else f" (±{half:.2f})")
    return f"{core}; {fmt_int(n1)} vs {fmt_int(n0)}"


def cost_table(cost: pd.DataFrame, cover: Coverage) -> Table:
    """Per flag, against handed-off conversations without it: CSAT, handle time, recontact,
    resolution after handoff, each with a 95% interval and the counts behind it; most severe first."""
    rows = []
    for r in cost.head(MAX_TABLE_ROWS).itertuples(index=False):
        rows.append(
            (
                clip(r.flag),
                fmt_int(r.flagged),
                _diff(r.csat_diff, r.csat_ci, r.csat_n1, r.csat_n0, "score")
                if cover.with_csat
                else NOT_MEASURABLE,
                _diff(r.handle_diff, r.handle_ci, r.handle_n1, r.handle_n0, "seconds")
                if cover.with_handle_time
                else NOT_MEASURABLE,
                _diff(r.back_diff, r.back_ci, r.back_n1, r.back_n0, "points")
                if cover.with_customer_id
                else NOT_MEASURABLE,
                _diff(r.resolved_diff, r.resolved_ci, r.flagged, r.unflagged, "points")
                if cover.with_agent
                else NOT_MEASURABLE,
                f"{float(r.severity):.1f}",
            )
        )
    return Table(
        "table-cost",
        "Cost of friction",
        (
            Column("Flag", False, ""),
            Column("Flagged", True, "handed-off conversations with the flag"),
            Column(
                "CSAT",
                True,
                "mean normalised CSAT (0-1) with the flag minus without; 95% interval; counts with a score",
            ),
            Column(
                "Agent handle time",
                True,
                "mean first-to-last agent message time with the flag minus without",
            ),
            Column(
                "Recontact",
                True,
                "recontact rate with the flag minus without, percentage points (customers with an id)",
            ),
            Column(
                "Resolved after handoff",
                True,
                "agent engaged and no recontact, with the flag minus without, percentage points",
            ),
            Column(
                "Severity",
                True,
                "flagged x harm (CSAT drop + recontact rise + resolution drop + handle-time rise "
                "as a share of the unflagged mean, each floored at 0)",
            ),
        ),
        tuple(rows),
        max(0, len(cost) - MAX_TABLE_ROWS),
        "No friction flags on handed-off conversations in this period.",
    )


def bot_phase_words(bot_phase: pd.DataFrame) -> str:
    """The line for flags on conversations that never reached a human, with their denominator."""
    if bot_phase.empty:
        return ""
    denominator = int(bot_phase["not_handed_off"].iloc[0])
    parts = ", ".join(
        f"{clip(r.flag)} {fmt_int(r.flagged)}" for r in bot_phase.itertuples(index=False)
    )
    total = int(bot_phase["flagged"].sum())
    return (
        f"Besides the handed-off conversations above, {total:,} flag"
        f"{'s were' if total != 1 else ' was'} raised on conversations that never reached a human "
        f"({parts}), out of {denominator:,} engaged conversations not handed off. They are "
        "counted against that denominator, not in the rates above."
    )


def _reason_rows(df: pd.DataFrame) -> list[tuple[str, ...]]:
    rows = []
    for key, group in df.groupby("key", sort=False):
        by = {str(r.handoff_reason): r for r in group.itertuples(index=False)}
        total = int(group["handoffs"].sum())
        late = int(group["late"].sum())
        cells = ["All handoffs" if key == "all" else clip(key), fmt_int(total)]
        for reason in REASONS:
            r = by.get(reason)
            cells.append(f"{fmt_rate(r.share)} ({fmt_int(r.handoffs)})" if r is not None else "—")
        cells.append(f"{fmt_rate(late / total) if total else '—'} ({late:,})")
        rows.append((total, str(key), tuple(cells)))
    rows.sort(key=lambda x: (-x[0], x[1]))
    return [cells for _, _, cells in rows]


def reason_tables(reasons: pd.DataFrame) -> tuple[Table, ...]:
    """Why handoffs happened: overall, by intent and by queue."""
    columns = (
        Column("Handoffs", True, "handed-off conversations in the group"),
        *(
            Column(REASON_WORDS[r], True, f"handoff_reason = {r}: share of the group's handoffs")
            for r in REASONS
        ),
        Column(
            "Made late",
            True,
            "handoffs the bot should have made earlier: a bot_loop or ignored_handoff_request flag",
        ),
    )
    out = []
    for dimension, title in (("all", "all handoffs"), ("intent", "intent"), ("queue", "queue")):
        part = reasons[reasons["dimension"] == dimension]
        rows = _reason_rows(part)
        shown = rows[:MAX_TABLE_ROWS]
        out.append(
            Table(
                f"table-reasons-{dimension}",
                "Why handoffs happened" + ("" if dimension == "all" else f", by {title}"),
                (Column("" if dimension == "all" else title.capitalize(), False, ""), *columns),
                tuple(shown),
                len(rows) - len(shown),
                "No handoffs in this period.",
            )
        )
    return tuple(out)


def reason_summary(reasons: pd.DataFrame) -> dict[str, Any]:
    """Overall shares by reason, and the late share, for the verdict."""
    part = reasons[reasons["dimension"] == "all"]
    total = int(part["handoffs"].sum())
    return {
        "total": total,
        "shares": {str(r.handoff_reason): float(r.share) for r in part.itertuples(index=False)},
        "late": int(part["late"].sum()),
    }
