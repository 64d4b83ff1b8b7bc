"""Reporting periods: ISO weeks, last week, or explicit bounds, in a time zone; and the one before.

Bounds are stored as naive UTC datetimes (the database's convention); the local calendar of the
period's time zone decides where days and weeks begin, exactly, across DST changes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from analyzer.errors import HandoffError

Moment = dt.datetime | dt.date | str | None

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def to_utc_naive(value: Moment) -> dt.datetime | None:
    """A period bound as a naive UTC datetime (a date means its midnight UTC)."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise HandoffError(
                f"cannot read {value!r} as a date or time", "use ISO-8601, e.g. 2026-11-02"
            ) from exc
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    return dt.datetime(value.year, value.month, value.day)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise HandoffError(
            f"unknown time zone {name!r}", "use an IANA name such as UTC or Europe/London"
        ) from exc


def _to_utc(local: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    return local.replace(tzinfo=tz).astimezone(dt.UTC).replace(tzinfo=None)


def _from_utc(utc: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    return utc.replace(tzinfo=dt.UTC).astimezone(tz).replace(tzinfo=None)


def to_local_date(utc: dt.datetime, timezone: str) -> dt.date:
    """The local calendar day of a naive UTC moment in `timezone`."""
    return _from_utc(utc, zone(timezone)).date()


@dataclass(frozen=True)
class Period:
    """[since, until) in naive UTC; `label` names it for people; `kind` is week, range or all."""

    since: dt.datetime | None
    until: dt.datetime | None
    label: str
    timezone: str = "UTC"
    kind: str = "range"

    def previous(self) -> Period | None:
        """The period of the same length just before (the previous ISO week for a week)."""
        if self.since is None or self.until is None:
            return None
        tz = zone(self.timezone)
        if self.kind == "week":
            start = _from_utc(self.since, tz) - dt.timedelta(days=7)
            return week_period(start.date(), self.timezone)
        length = self.until - self.since
        since = self.since - length
        return Period(since, self.since, _range_label(since, self.since, tz), self.timezone)

    @classmethod
    def between(cls, since: dt.datetime | None, until: dt.datetime | None) -> Period:
        """[since, until) in UTC; open on either side for None (both None: all data)."""
        kind = "all" if since is None and until is None else "range"
        return cls(since, until, _range_label(since, until, zone("UTC")), "UTC", kind)

    def describe(self) -> str:
        """The period in words for a report header: "2026-W46 (2026-11-09 to 2026-11-16, UTC,
        end excluded)", "all data", "from 2026-03-02 (UTC)"."""
        if self.kind == "all":
            return "all data"
        tz = zone(self.timezone)
        if self.kind == "week" and self.since and self.until:
            first, last = (_from_utc(v, tz).date() for v in (self.since, self.until))
            return f"{self.label} ({first} to {last}, {self.timezone}, end excluded)"
        if self.since is None or self.until is None:
            return f"{self.label} ({self.timezone})"
        return f"{self.label} ({self.timezone}, end excluded)"

    def weeks_before(self, count: int) -> tuple[Period, ...]:
        """The `count` ISO weeks just before this one, oldest first (none unless a week)."""
        if self.kind != "week" or self.since is None:
            return ()
        monday = _from_utc(self.since, zone(self.timezone)).date()
        return tuple(
            week_period(monday - dt.timedelta(days=7 * n), self.timezone)
            for n in range(count, 0, -1)
        )

    def contains(self, moment: dt.datetime | None) -> bool:
        """`moment` (naive UTC) falls in [since, until)."""
        if moment is None:
            return False
        return (self.since is None or moment >= self.since) and (
            self.until is None or moment < self.until
        )

    def slug(self) -> str:
        """A file-name-safe name: 2026-W47, or 2026-11-01_2026-11-08."""
        return re.sub(r"[^0-9A-Za-z_-]+", "_", self.label.replace(" to ", "_")).strip("_")


def week_period(day: dt.date, timezone: str = "UTC") -> Period:
    """The ISO week (Monday 00:00 local to the next Monday 00:00 local) containing `day`."""
    tz = zone(timezone)
    monday = day - dt.timedelta(days=day.weekday())
    start = dt.datetime.combine(monday, dt.time())
    end = start + dt.timedelta(days=7)
    year, week, _ = monday.isocalendar()
    return Period(_to_utc(start, tz), _to_utc(end, tz), f"{year}-W{week:02d}", timezone, "week")


def parse_week(text: str, timezone: str = "UTC") -> Period:
    m = _WEEK.match(text.strip())
    if not m:
        raise HandoffError(f"cannot read {text!r} as an ISO week", "write it like 2026-W47")
    year, week = int(m.group(1)), int(m.group(2))
    try:
        monday = dt.date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise HandoffError(
            f"{text} is not a week of {year}", "ISO weeks run from W01 to W52 or W53"
        ) from exc
    return week_period(monday, timezone)


def last_week(now: dt.datetime, timezone: str = "UTC") -> Period:
    """The last complete ISO week before `now` (an aware or naive-UTC datetime)."""
    tz = zone(timezone)
    aware = now if now.tzinfo else now.replace(tzinfo=dt.UTC)
    today = aware.astimezone(tz).date()
    return week_period(today - dt.timedelta(days=7), timezone)


def latest_complete_week(last_activity: dt.datetime, timezone: str = "UTC") -> Period:
    """The latest ISO week the data covers to its end: the week of `last_activity` (naive UTC,
    the last message in the data) when that reaches its Sunday, else the week before."""
    tz = zone(timezone)
    local = _from_utc(last_activity, tz)
    week = week_period(local.date(), timezone)
    return (
        week if local.weekday() == 6 else week_period(local.date() - dt.timedelta(days=7), timezone)
    )


def from_setting(text: str, now: dt.datetime, timezone: str = "UTC") -> Period:
    """A configured period: "last_week" (the last complete week before `now`) or an ISO week."""
    return last_week(now, timezone) if text == "last_week" else parse_week(text, timezone)


def _parse_bound(text: str, tz: ZoneInfo) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise HandoffError(
            f"cannot read {text!r} as a date or time", "use ISO-8601, e.g. 2026-11-02"
        ) from exc
    if value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return _to_utc(value, tz)


def _range_label(since: dt.datetime | None, until: dt.datetime | None, tz: ZoneInfo) -> str:
    def show(v: dt.datetime | None) -> str:
        if v is None:
            return "…"
        local = _from_utc(v, tz)
        return local.strftime("%Y-%m-%d" if local.time() == dt.time() else "%Y-%m-%d %H:%M")

    if since is None and until is None:
        return "all data"
    if until is None:
        return f"from {show(since)}"
    if since is None:
        return f"before {show(until)}"
    return f"{show(since)} to {show(until)}"


def resolve_period(
    *,
    week: str | None = None,
    last_week_of: dt.datetime | None = None,
    since: str | None = None,
    until: str | None = None,
    timezone: str = "UTC",
) -> Period:
    """One period from the CLI's --week / --last-week / --since / --until (dates are local days)."""
    chosen = sum(x is not None for x in (week, last_week_of)) + (
        since is not None or until is not None
    )
    if chosen > 1:
        raise HandoffError(
            "give one of --week, --last-week or --since/--until", "pick one way to say the period"
        )
    if week:
        return parse_week(week, timezone)
    if last_week_of is not None:
        return last_week(last_week_of, timezone)
    tz = zone(timezone)
    s = _parse_bound(since, tz) if since else None
    u = _parse_bound(until, tz) if until else None
    if s and u and u <= s:
        raise HandoffError(f"--until {until} is not after --since {since}", "swap them")
    return Period(
        s, u, _range_label(s, u, tz), timezone, "all" if s is None and u is None else "range"
    )
