"""`handoff run`: the idempotent scheduled job for cron or a systemd timer.

Lock the database, load only files not loaded before (same path, size and modification time),
refresh, write the period's report into the archive, update index.html, check the alert rules.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer import render_text
from analyzer.api import Database, open_database
from analyzer.config import Config
from analyzer.errors import ConfigError
from analyzer.ingest import LoadSummary, discover
from analyzer.job import archive
from analyzer.job.alerts import ALERT_EXIT_CODE, Alert, check
from analyzer.job.lock import database_lock
from analyzer.metrics import headline_values
from analyzer.period import Period, from_setting

# Exit codes of `handoff run` besides 0 (done) and 1 (error): 3 an alert rule was crossed
# (analyzer.job.alerts), 4 the database is held by another run or writer, 5 the period has no
# conversations (unless [run] allow_empty = true). The report and index are written in every case.
EMPTY_EXIT_CODE = 5


@dataclass(frozen=True)
class RunSettings:
    """The config's `[run]` view with its paths resolved beside the config file."""

    sources: list[str]
    database: Path
    output_dir: Path
    period: str
    timezone: str
    format: str
    lock_wait_seconds: float
    allow_empty: bool

    @classmethod
    def from_config(cls, config: Config) -> RunSettings:
        if config.source == "defaults":
            raise ConfigError("handoff run needs a config file", "pass --config handoff.toml")
        base = Path(config.source).resolve().parent
        run = config.run
        if not run.sources:
            raise ConfigError(
                f"[run] sources is empty in {config.source}",
                'list the folders to load from, e.g. sources = ["exports/"]',
            )

        def here(p: str) -> str:
            return str(p if os.path.isabs(p) else base / p)

        return cls(
            sources=[here(s) for s in run.sources],
            database=Path(here(run.database)),
            output_dir=Path(here(run.output_dir)),
            period=run.period,
            timezone=run.timezone,
            format=run.format,
            lock_wait_seconds=run.lock_wait_seconds,
            allow_empty=run.allow_empty,
        )


@dataclass(frozen=True)
class RunResult:
    period: Period
    load: LoadSummary
    files_seen: int
    files_already_loaded: int
    report: Path
    index: Path
    headline: dict[str, Any]
    previous: dict[str, Any]
    alerts: list[Alert] = field(default_factory=list)
    empty: bool = False  # the period has no conversations and [run] allow_empty is false
    summary: str = ""  # the report's headline figures and verdict, for the terminal
    verdict: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.empty:
            return EMPTY_EXIT_CODE
        return ALERT_EXIT_CODE if self.alerts else 0

    def as_dict(self) -> dict[str, Any]:
        def clean(d: dict[str, Any]) -> dict[str, Any]:
            return {
                k: (None if isinstance(v, float) and math.isnan(v) else v)
                for k, v in d.items()
                if isinstance(v, int | float | str | type(None))
            }

        return {
            "period": self.period.label,
            "since": self.period.since.isoformat() if self.period.since else None,
            "until": self.period.until.isoformat() if self.period.until else None,
            "timezone": self.period.timezone,
            "files_seen": self.files_seen,
            "files_already_loaded": self.files_already_loaded,
            "load": self.load.as_dict(),
            "unreadable": self.load.unreadable,
            "report": str(self.report),
            "index": str(self.index),
            "headline": clean(self.headline),
            "previous": clean(self.previous),
            "alerts": [a.message for a in self.alerts],
            "empty": self.empty,
            "verdict": self.verdict,
            "exit_code": self.exit_code,
        }


def _new_files(db: Database, files: list[Path]) -> list[Path]:
    """Files not loaded before with the same size and modification time."""
    if not files:
        return []
    stats = [f.stat() for f in files]
    rows = db.con.execute(
        """
        SELECT c.path FROM (
            SELECT unnest($paths) AS path, unnest($sizes) AS size_bytes, unnest($mtimes) AS modified_at
        ) c
        ANTI JOIN loads l
          ON l.source_file = c.path AND l.size_bytes = c.size_bytes AND l.modified_at = c.modified_at
        ORDER BY c.path
        """,
        {
            "paths": [str(f) for f in files],
            "sizes": [s.st_size for s in stats],
            "mtimes": [
                dt.datetime.fromtimestamp(s.st_mtime, dt.UTC).replace(tzinfo=None) for s in stats
            ],
        },
    ).fetchall()
    return [Path(r[0]) for r in rows]


def run_job(config: Config, *, now: dt.datetime | None = None) -> RunResult:
    settings = RunSettings.from_config(config)
    now = now or dt.datetime.now(dt.UTC)
    period = from_setting(settings.period, now, settings.timezone)
    settings.output_dir.mkdir(parents=True, exist_ok=True)
    with database_lock(settings.database, settings.lock_wait_seconds):
        with open_database(
            settings.database, config=config, wait_seconds=settings.lock_wait_seconds
        ) as db:
            found = discover(settings.sources)
            fresh = _new_files(db, found.files)
            summary = (
                # one unreadable file (a stray manifest.json) must not stop the weekly report
                db.load(fresh, fmt=settings.format, timezone=settings.timezone, keep_going=True)
                if fresh
                else LoadSummary()
            )
            if not fresh and not db.has_results():
                db.refresh()  # a first run over an empty source: empty derived tables
            # The report's time stamp is the newest load, so a run with nothing new is byte-identical.
            last = db.con.execute("SELECT max(loaded_at) FROM loads").fetchone()
            generated_at = (last[0] if last and last[0] else now.replace(tzinfo=None)).replace(
                tzinfo=dt.UTC
            )
            current = db.metrics(since=period.since, until=period.until).headline()
            prev_period = period.previous()
            previous = (
                db.metrics(since=prev_period.since, until=prev_period.until).headline()
                if prev_period
                else {}
            )
            empty = not current.get("conversations")
            alerts = [] if empty else check(config.data.get("alerts", {}), current, previous)
            name = f"handoff-report-{period.slug()}.html"
            report_path = settings.output_dir / name
            tmp = settings.output_dir / f".{name}.tmp"
            try:
                written = db.write_report(tmp, period, generated_at=generated_at)
                os.replace(tmp, report_path)
            finally:
                tmp.unlink(missing_ok=True)
        index = archive.update(
            settings.output_dir,
            archive.ArchiveEntry(
                label=period.label,
                file=name,
                since=period.since.isoformat() if period.since else None,
                until=period.until.isoformat() if period.until else None,
                timezone=period.timezone,
                generated_at=generated_at.isoformat(),
                headline={
                    k: v
                    for k, v in headline_values(current, archived_only=True).items()
                    if v is not None
                },
                alerts=[a.message for a in alerts],
            ),
            updated_at=generated_at.strftime("%Y-%m-%d %H:%M UTC"),
        )
    return RunResult(
        period=period,
        load=summary,
        files_seen=len(found.files),
        files_already_loaded=len(found.files) - len(fresh),
        report=report_path,
        index=index,
        headline=current,
        previous=previous,
        alerts=alerts,
        empty=empty and not settings.allow_empty,
        summary=render_text.report_summary(written.context),
        verdict=[v.text for v in written.context.verdict],
    )
