"""KPI tiles and the breakdown, flag and top-queue tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from analyzer.report.context import Change, Column, Table, Tile
from analyzer.report.fmt import clip, fmt_int, fmt_number, fmt_rate, fmt_seconds
from analyzer.report.limits import MAX_TABLE_ROWS, MAX_TOP_QUEUES, MIN_QUEUE_HANDOFFS


def _of(num: object, den: object, what: str) -> str:
    return f"{fmt_int(num)} of {fmt_int(den)} {what}"


def tiles(h: Mapping[str, Any], changes: Mapping[str, Change] | None = None) -> tuple[Tile, ...]:
    """The KPI tiles; `changes` (keyed like the tiles) adds the comparison with the previous period."""
    g = h.get
    found = changes or {}
    return tuple(Tile(t.key, t.label, t.value, t.detail, found.get(t.key)) for t in _tiles(g))


def _tiles(g: Any) -> tuple[Tile, ...]:
    return (
        Tile(
            "conversations",
            "Conversations",
            fmt_int(g("conversations")),
            "conversations that started in the period",
            None,
        ),
        Tile(
            "engaged",
            "Engaged",
            fmt_int(g("engaged")),
            _of(g("engaged"), g("conversations"), "conversations had a customer message"),
            None,
        ),
        Tile(
            "bot_resolution_rate",
            "Bot resolution rate",
            fmt_rate(g("bot_resolution_rate")),
            _of(g("bot_resolved"), g("engaged"), "engaged")
            + f"; confirmed {fmt_rate(g('confirmed_resolution_rate'))}"
            f" ({fmt_int(g('resolved_confirmed'))}),"
            f" assumed {fmt_rate(g('assumed_resolution_rate'))}"
            f" ({fmt_int(g('resolved_assumed'))})",
            None,
        ),
        Tile(
            "handoff_rate",
            "Handoff rate",
            fmt_rate(g("handoff_rate")),
            _of(g("handed_off"), g("engaged"), "engaged"),
            None,
        ),
        Tile(
            "abandonment_rate",
            "Abandonment rate",
            fmt_rate(g("abandonment_rate")),
            _of(g("abandoned"), g("engaged"), "engaged"),
            None,
        ),
        Tile(
            "abandoned_in_queue_rate",
            "Abandoned in queue",
            fmt_rate(g("abandoned_in_queue_rate")),
            _of(
                g("abandoned_in_queue"), g("handed_off_in_log"), "handed off, human part in the log"
            ),
            None,
        ),
        Tile(
            "handoff_failed_rate",
            "Handoff failed",
            fmt_rate(g("handoff_failed_rate")),
            _of(g("handoff_failed"), g("handed_off"), "handed off"),
            None,
        ),
        Tile(
            "time_to_agent_median",
            "Time to agent, median",
            fmt_seconds(g("time_to_agent_median_s")),
            f"over {fmt_int(g('agent_engaged'))} handoffs an agent answered",
            None,
        ),
        Tile(
            "time_to_agent_p90",
            "Time to agent, p90",
            fmt_seconds(g("time_to_agent_p90_s")),
            f"over {fmt_int(g('agent_engaged'))} handoffs an agent answered",
            None,
        ),
        Tile(
            "bot_turns_before_handoff",
            "Bot turns before handoff, median",
            fmt_number(g("bot_turns_before_handoff_median")),
            f"over {fmt_int(g('handed_off'))} handed-off conversations",
            None,
        ),
        Tile(
            "friction_rate",
            "Friction rate",
            fmt_rate(g("friction_rate")),
            _of(g("handed_off_with_friction"), g("handed_off"), "handed off had a flag"),
            None,
        ),
    )


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
    flag_rates: pd.DataFrame, flags: list[str], precision: pd.DataFrame | None = None
) -> Table:
    """Rate per flag; with reviewers' verdicts, each flag's measured precision beside it."""
    df = flag_rates[(flag_rates["dimension"] == "all") & flag_rates["flag"].isin(flags)]
    df = df.sort_values(["rate", "flag"], ascending=[False, True])
    reviewed = precision is not None and not precision.empty
    by_flag = precision.set_index("flag") if reviewed else None  # type: ignore[union-attr]
    rows = []
    for r in df.itertuples(index=False):
        cells: tuple[str, ...] = (
            clip(r.flag),
            fmt_int(r.flagged),
            fmt_int(r.handed_off),
            fmt_rate(r.rate),
        )
        if by_flag is not None:
            p = by_flag.loc[r.flag] if r.flag in by_flag.index else None
            cells += (
                fmt_int(p["reviewed"]) if p is not None else "0",
                fmt_rate(p["precision"]) if p is not None else "—",
            )
        rows.append(cells)
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
        "Rate per flag",
        (
            Column("Flag", False, ""),
            Column("Flagged", True, "handed-off conversations with it"),
            Column("Handed off", True, ""),
            Column("Rate", True, "flagged / handed off"),
            *extra,
        ),
        tuple(rows),
        int(total) - len(rows),
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
