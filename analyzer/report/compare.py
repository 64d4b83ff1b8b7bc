"""This period against the previous one: changes, their direction and whether they are noise.

The tests (see `NOISE_RULE` in context.py) work on a handful of aggregate numbers per metric,
flag or queue; the counting itself is done in SQL.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import pandas as pd

from analyzer.metrics import REGISTRY
from analyzer.report.context import Change, Column, Table
from analyzer.report.fmt import clip, fmt_int, fmt_rate, missing
from analyzer.report.limits import MAX_CHANGED, MIN_QUEUE_HANDOFFS
from analyzer.report.tables import show

Z_CRITICAL = 1.96  # |z| below this: within noise (about 95% confidence)

NOISE = "within noise"


def _num(value: object) -> float | None:
    return None if missing(value) else float(value)  # type: ignore[arg-type]


def two_proportion_z(x1: float, n1: float, x0: float, n0: float) -> float | None:
    """z of the difference x1/n1 - x0/n0 with the pooled standard error; None when undefined."""
    if n1 <= 0 or n0 <= 0:
        return None
    pooled = (x1 + x0) / (n1 + n0)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    if se == 0:
        return 0.0 if x1 / n1 == x0 / n0 else None
    return (x1 / n1 - x0 / n0) / se


def poisson_z(x1: float, x0: float) -> float:
    """z of the difference of two counts taken as Poisson (0 when both are zero)."""
    return 0.0 if x1 + x0 == 0 else (x1 - x0) / math.sqrt(x1 + x0)


def _direction(delta: float, higher: str) -> str:
    if delta == 0:
        return "no change"
    if not higher:
        return "up" if delta > 0 else "down"
    worse = (delta > 0) == (higher == "worse")
    return "worse" if worse else "better"


def _relative(now: float, before: float) -> str:
    if now == before:
        return "±0%"
    if before == 0:
        return "new"
    pct = (now - before) / before * 100
    return f"{pct:+.0f}%" if abs(pct) >= 10 else f"{pct:+.1f}%"


def rate_change(
    x1: float | None, n1: float | None, x0: float | None, n0: float | None, higher: str
) -> Change:
    """The change of a rate x/n in percentage points, with the two-proportion z-test."""
    before = fmt_rate(x0 / n0) if x0 is not None and n0 else "—"
    if x1 is None or x0 is None or not n1 or not n0:
        return Change(before, "", "not comparable", "no denominator in one of the periods")
    p1, p0 = x1 / n1, x0 / n0
    points = (p1 - p0) * 100
    z = two_proportion_z(x1, n1, x0, n0)
    delta = f"{points:+.1f} pp"
    if z is None:
        return Change(before, delta, "not comparable", "no test possible")
    test = f"z = {z:+.2f} ({fmt_int(x1)}/{fmt_int(n1)} vs {fmt_int(x0)}/{fmt_int(n0)})"
    if abs(z) < Z_CRITICAL:
        return Change(before, delta, NOISE if points else "no change", test)
    return Change(before, delta, _direction(points, higher), test)


def count_change(x1: float | None, x0: float | None, higher: str) -> Change:
    if x1 is None or x0 is None:
        return Change(fmt_int(x0), "", "not comparable", "no value in one of the periods")
    z = poisson_z(x1, x0)
    test = f"z = {z:+.2f} (Poisson)"
    verdict = (
        (NOISE if x1 != x0 else "no change") if abs(z) < Z_CRITICAL else _direction(x1 - x0, higher)
    )
    return Change(fmt_int(x0), _relative(x1, x0), verdict, test)


def quantile_change(
    v1: float | None,
    v0: float | None,
    now: Mapping[str, Any] | None,
    before: Mapping[str, Any] | None,
    higher: str,
    show: Callable[[object], str],
) -> Change:
    """Relative change of a median or p90; noise when the 95% intervals overlap."""
    if v1 is None or v0 is None:
        return Change(show(v0), "", "not comparable", "no value in one of the periods")
    delta = _relative(v1, v0)
    if not now or not before:
        return Change(show(v0), delta, "not comparable", "no interval")
    lo1, hi1, lo0, hi0 = (
        _num(now["lower"]),
        _num(now["upper"]),
        _num(before["lower"]),
        _num(before["upper"]),
    )
    if None in (lo1, hi1, lo0, hi0):
        return Change(show(v0), delta, "not comparable", "too few values for an interval")
    test = f"95% intervals {show(lo1)} to {show(hi1)} vs {show(lo0)} to {show(hi0)}"
    overlap = lo1 <= hi0 and lo0 <= hi1  # type: ignore[operator]
    if v1 == v0:
        return Change(show(v0), delta, "no change", test)
    return Change(show(v0), delta, NOISE if overlap else _direction(v1 - v0, higher), test)


def tile_changes(
    now: Mapping[str, Any],
    before: Mapping[str, Any],
    intervals_now: Mapping[str, Mapping[str, Any]],
    intervals_before: Mapping[str, Mapping[str, Any]],
) -> dict[str, Change]:
    """The change of every registry metric shown as a tile, keyed by metric."""
    out: dict[str, Change] = {}
    for m in REGISTRY:
        if not m.tile:
            continue
        if m.kind == "rate":
            out[m.key] = rate_change(
                _num(now.get(m.numerator)),
                _num(now.get(m.denominator)),
                _num(before.get(m.numerator)),
                _num(before.get(m.denominator)),
                m.higher,
            )
        elif m.kind == "count":
            out[m.key] = count_change(_num(now.get(m.column)), _num(before.get(m.column)), m.higher)
        else:
            out[m.key] = quantile_change(
                _num(now.get(m.column)),
                _num(before.get(m.column)),
                intervals_now.get(m.column),
                intervals_before.get(m.column),
                m.higher,
                partial(show, m),
            )
    return out


_CHANGE_COLUMNS = (
    Column("Previous", True, "rate in the previous period (numerator / denominator)"),
    Column("This period", True, "rate in this period (numerator / denominator)"),
    Column("Change", True, "percentage points"),
    Column("Verdict", False, "within noise when |z| < 1.96 (two-proportion z-test)"),
    Column("z", True, "two-proportion z statistic"),
)


def _moved(
    rows: list[dict[str, Any]], higher: str
) -> list[tuple[tuple[object, ...], tuple[str, ...]]]:
    """(sort key, cells) per row: trends before noise, then the largest move in points."""
    out: list[tuple[tuple[object, ...], tuple[str, ...]]] = []
    for r in rows:
        x1, n1, x0, n0 = r["x1"], r["n1"], r["x0"], r["n0"]
        if not n1 or not n0:
            continue
        change = rate_change(x1, n1, x0, n0, higher)
        z = two_proportion_z(x1, n1, x0, n0)
        points = abs(x1 / n1 - x0 / n0)
        noisy = change.verdict in (NOISE, "no change", "not comparable")
        cells = (
            clip(r["name"]),
            f"{fmt_rate(x0 / n0)} ({fmt_int(x0)}/{fmt_int(n0)})",
            f"{fmt_rate(x1 / n1)} ({fmt_int(x1)}/{fmt_int(n1)})",
            change.delta,
            change.verdict,
            "—" if z is None else f"{z:+.2f}",
        )
        out.append(((noisy, -round(points, 12), str(r["name"])), cells))
    out.sort(key=lambda item: item[0])
    return out


def changed_flags(
    now: pd.DataFrame,
    before: pd.DataFrame,
    handed_now: object,
    handed_before: object,
    previous: str,
) -> Table:
    """The flags whose rate among handed-off conversations moved most (top MAX_CHANGED)."""
    title = "Flags that moved most"
    if not previous:
        return Table("table-changed-flags", title, (), (), 0, _NO_PREVIOUS)
    a = now[now["dimension"] == "all"].set_index("flag")["flagged"]
    b = before[before["dimension"] == "all"].set_index("flag")["flagged"]
    n1, n0 = _num(handed_now) or 0.0, _num(handed_before) or 0.0
    rows = [
        {"name": f, "x1": float(a.get(f, 0)), "n1": n1, "x0": float(b.get(f, 0)), "n0": n0}
        for f in sorted(set(a.index) | set(b.index))
    ]
    ranked = _moved(rows, "worse")
    shown = ranked[:MAX_CHANGED]
    return Table(
        "table-changed-flags",
        title,
        (Column("Flag", False, ""), *_CHANGE_COLUMNS),
        tuple(cells for _, cells in shown),
        len(ranked) - len(shown),
        "No flags in either period.",
    )


def changed_queues(now: pd.DataFrame, before: pd.DataFrame, previous: str) -> Table:
    """The queues whose friction rate moved most (top MAX_CHANGED), among queues with at least
    MIN_QUEUE_HANDOFFS handoffs in both periods."""
    title = f"Queues whose friction rate moved most (at least {MIN_QUEUE_HANDOFFS} handoffs in each period)"
    if not previous:
        return Table("table-changed-queues", title, (), (), 0, _NO_PREVIOUS)
    cols = ["key", "handed_off_with_friction", "handed_off"]
    a = now.loc[now["dimension"] == "queue", cols]
    b = before.loc[before["dimension"] == "queue", cols]
    both = a.merge(b, on="key", suffixes=("_1", "_0"))
    both = both[
        (both["handed_off_1"] >= MIN_QUEUE_HANDOFFS) & (both["handed_off_0"] >= MIN_QUEUE_HANDOFFS)
    ]
    rows = [
        {
            "name": r.key,
            "x1": float(r.handed_off_with_friction_1),
            "n1": float(r.handed_off_1),
            "x0": float(r.handed_off_with_friction_0),
            "n0": float(r.handed_off_0),
        }
        for r in both.itertuples(index=False)
    ]
    ranked = _moved(rows, "worse")
    shown = ranked[:MAX_CHANGED]
    return Table(
        "table-changed-queues",
        title,
        (Column("Queue", False, ""), *_CHANGE_COLUMNS),
        tuple(cells for _, cells in shown),
        len(ranked) - len(shown),
        f"No queue had at least {MIN_QUEUE_HANDOFFS} handoffs in both periods.",
    )


_NO_PREVIOUS = (
    "No previous period to compare with: the period is open-ended. Leave out --all for the "
    "latest complete week, or pick one with --week, --last-week or --since and --until."
)
