"""Trend context: a weekly report's week inside the weeks before it."""

from __future__ import annotations

from typing import Any

import pandas as pd

from analyzer.engine import DuckDBEngine
from analyzer.metrics import metrics_on
from analyzer.period import Period, to_local_date

TREND_WEEKS = 8  # previous weeks drawn beside a weekly report's week


def _trend_bounds(period: Period) -> dict[str, Any] | None:
    weeks = period.weeks_before(TREND_WEEKS)
    if not weeks:
        return None
    return {"since": weeks[0].since, "until": period.until, "timezone": period.timezone}


def trend_rates(
    engine: DuckDBEngine, period: Period, rates: pd.DataFrame, days: float
) -> pd.DataFrame:
    """Weekly and daily rates for the trend charts: a week with the 8 weeks before it."""
    bounds = _trend_bounds(period)
    if bounds is None:
        return rates
    wide = metrics_on(engine, bounds, days).rates
    keep = (wide["dimension"] == "week") | (
        (wide["dimension"] == "day")
        & wide["key"].isin(set(rates.loc[rates["dimension"] == "day", "key"]))
    )
    return wide[keep]


def trend_flags(
    engine: DuckDBEngine, period: Period, flag_rates: pd.DataFrame, days: float
) -> pd.DataFrame:
    bounds = _trend_bounds(period)
    return flag_rates if bounds is None else metrics_on(engine, bounds, days).flag_rates


def weekly(trend: pd.DataFrame) -> pd.DataFrame:
    """The trend's weekly rows, oldest first (the sparklines' data)."""
    weeks = trend[(trend["dimension"] == "week") & trend["key"].notna()]
    return weeks.sort_values("key").tail(TREND_WEEKS + 1)


def highlight(period: Period) -> str:
    """The weekly charts' key of the reported week ("2026-11-09"), or "" for other periods."""
    if period.kind != "week" or period.since is None:
        return ""
    return str(to_local_date(period.since, period.timezone))
