"""Period boundaries are exact in every offset, around midnight and across DST changes."""

from __future__ import annotations

import datetime as dt

import pytest

from analyzer.errors import HandoffError
from analyzer.period import last_week, parse_week, resolve_period

D = dt.datetime


@pytest.mark.parametrize(
    ("week", "tz", "since", "until"),
    [
        ("2026-W47", "UTC", D(2026, 11, 16), D(2026, 11, 23)),
        ("2026-W47", "Asia/Kolkata", D(2026, 11, 15, 18, 30), D(2026, 11, 22, 18, 30)),
        ("2026-W47", "America/Los_Angeles", D(2026, 11, 16, 8), D(2026, 11, 23, 8)),
        # Europe/Berlin leaves summer time on Sunday 2026-10-25: that week is 169 hours long
        ("2026-W43", "Europe/Berlin", D(2026, 10, 18, 22), D(2026, 10, 25, 23)),
        # America/New_York starts summer time on Sunday 2026-03-08: 167 hours
        ("2026-W10", "America/New_York", D(2026, 3, 2, 5), D(2026, 3, 9, 4)),
        ("2026W01", "UTC", D(2025, 12, 29), D(2026, 1, 5)),  # ISO week 1 starts in the old year
        ("2026-W53", "UTC", D(2026, 12, 28), D(2027, 1, 4)),
    ],
)
def test_iso_week_bounds(week: str, tz: str, since: D, until: D) -> None:
    p = parse_week(week, tz)
    assert (p.since, p.until, p.kind) == (since, until, "week")


def test_previous_week_and_previous_range() -> None:
    p = parse_week("2026-W11", "America/New_York")  # the week after the DST change
    prev = p.previous()
    assert prev is not None and prev.label == "2026-W10" and prev.until == p.since
    r = resolve_period(since="2026-11-01", until="2026-11-11", timezone="UTC")
    pr = r.previous()
    assert pr is not None and (pr.since, pr.until) == (D(2026, 10, 22), D(2026, 11, 1))


@pytest.mark.parametrize(
    ("now", "tz", "label"),
    [
        (D(2026, 11, 23, 0, 30, tzinfo=dt.UTC), "UTC", "2026-W47"),  # Monday just after midnight
        (D(2026, 11, 22, 23, 59, tzinfo=dt.UTC), "UTC", "2026-W46"),  # Sunday night: W47 not over
        (
            D(2026, 11, 22, 23, 30, tzinfo=dt.UTC),
            "Europe/Berlin",
            "2026-W47",
        ),  # already Monday there
        (D(2026, 11, 23, 3, 0, tzinfo=dt.UTC), "America/Chicago", "2026-W46"),  # still Sunday there
    ],
)
def test_last_week_depends_on_where_midnight_is(now: D, tz: str, label: str) -> None:
    assert last_week(now, tz).label == label


def test_local_dates_in_since_until() -> None:
    p = resolve_period(since="2026-11-02", until="2026-11-03", timezone="Asia/Tokyo")
    assert (p.since, p.until) == (D(2026, 11, 1, 15), D(2026, 11, 2, 15))
    z = resolve_period(since="2026-11-02T00:00:00Z", timezone="Asia/Tokyo")
    assert z.since == D(2026, 11, 2) and z.until is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"week": "2026-W54"},
        {"week": "week 47"},
        {"since": "2026-11-05", "until": "2026-11-01"},
        {"week": "2026-W47", "since": "2026-11-01"},
        {"since": "2026-11-01", "timezone": "Moon/Base"},
    ],
)
def test_bad_periods_say_what_to_do(kwargs: dict[str, str]) -> None:
    with pytest.raises(HandoffError):
        resolve_period(**kwargs)  # type: ignore[arg-type]
