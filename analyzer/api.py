"""The public Python API: open a database, load files, read results, render a report.

import analyzer
db = analyzer.open_database("handoff.duckdb")
db.load(["sample_logs/"])
print(db.metrics().rates.query("dimension == 'all'"))
db.report("report.html")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from analyzer import store
from analyzer.config import Config, load_config
from analyzer.engine import DuckDBEngine
from analyzer.errors import HandoffError
from analyzer.ingest import LoadSummary, discover
from analyzer.ingest.loader import read_files, write_files
from analyzer.metrics import Metrics, metrics_on, recontact_days
from analyzer.period import Moment, Period, to_utc_naive
from analyzer.pipeline import Refresh, refresh, refresh_after_load
from analyzer.query import run_saved, run_sql

if TYPE_CHECKING:
    from analyzer.report import WrittenReport


class Database:
    """A handoff-analyzer DuckDB database and the configuration in force."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str | None, config: Config) -> None:
        self.engine = DuckDBEngine(con)  # every derived table and metric runs through this one
        self.path = path
        self.config = config

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        return self.engine.con

    # -- writing -------------------------------------------------------------------------
    def load(
        self,
        paths: Sequence[str | Path],
        *,
        fmt: str = "auto",
        timezone: str | None = None,
        on_file: Callable[[Path], None] | None = None,
        on_step: Callable[[str], None] | None = None,
        maps: tuple[str, ...] = (),
        keep_going: bool = False,
        full: bool = False,
    ) -> LoadSummary:
        """Load files, folders or globs, then refresh what they touched. All or nothing.

        Only the conversations the new records belong to are derived again, unless the
        definitions or the configuration changed since the last refresh: then everything is.
        `full=True` always rebuilds everything. `maps` are `target=source` column mappings (as
        `--map`), over `[load.columns]`. `keep_going` leaves out a file that is not its format at
        all (named in `LoadSummary.unreadable`) instead of refusing the load. `on_file` is called
        with each file before it is read, `on_step` with what the load does next once the files
        are read ("writing 1,000,274 records", "outcomes and friction flags, batch 2 of 5").
        """
        found = discover(paths)
        # Reading touches only the connection's temp tables; the writes are one transaction.
        staging = read_files(
            self.con,
            found.files,
            self.config,
            fmt=fmt,
            timezone=timezone,
            on_file=on_file,
            maps=maps,
            keep_going=keep_going,
        )
        with store.transaction(self.con):
            if on_step:
                on_step("writing the records read")
            summary = write_files(self.con, staging)
            refreshed = (
                refresh(self.engine, self.config, on_step=on_step)
                if full
                else refresh_after_load(self.engine, self.config, on_step)
            )
        return LoadSummary(
            files=summary.files,
            skipped=[str(p) for p in found.skipped],
            not_transcripts=summary.not_transcripts,
            unreadable=summary.unreadable,
            refresh=str(refreshed),
        )

    def refresh(self, on_step: Callable[[str], None] | None = None) -> Refresh:
        """Rebuild every derived table from all events, with the configuration in force."""
        with store.transaction(self.con):
            return refresh(self.engine, self.config, on_step=on_step)

    def has_results(self) -> bool:
        """Whether the derived tables (conversations, friction_flags) have been built."""
        return store.has_table(self.con, "conversations")

    # -- reading -------------------------------------------------------------------------
    def conversations(self, since: Moment = None, until: Moment = None) -> pd.DataFrame:
        return self.con.execute(
            """SELECT * FROM conversations
               WHERE ($since IS NULL OR started_at >= $since) AND ($until IS NULL OR started_at < $until)
               ORDER BY started_at, conversation_id""",
            {"since": to_utc_naive(since), "until": to_utc_naive(until)},
        ).df()

    def conversation(self, conversation_id: str) -> pd.Series:
        """One conversation's row of `conversations`."""
        df = self.con.execute(
            "SELECT * FROM conversations WHERE conversation_id = $id ORDER BY conversation_id",
            {"id": conversation_id},
        ).df()
        if df.empty:
            raise _no_conversation(conversation_id)
        return df.iloc[0]

    def flags(self, since: Moment = None, until: Moment = None) -> pd.DataFrame:
        return self.con.execute(
            """SELECT f.* FROM friction_flags f JOIN conversations c USING (conversation_id)
               WHERE ($since IS NULL OR c.started_at >= $since) AND ($until IS NULL OR c.started_at < $until)
               ORDER BY f.conversation_id, f.flag, f.message_id""",
            {"since": to_utc_naive(since), "until": to_utc_naive(until)},
        ).df()

    def metrics(
        self, since: Moment = None, until: Moment = None, *, timezone: str = "UTC"
    ) -> Metrics:
        """Metrics for [since, until); days and weeks are those of `timezone`."""
        bounds = {"since": to_utc_naive(since), "until": to_utc_naive(until), "timezone": timezone}
        return metrics_on(self.engine, bounds, recontact_days(self.config))

    def transcript(self, conversation_id: str) -> pd.DataFrame:
        """The conversation's turns in order, each with the flags whose evidence it is."""
        df = self.con.execute(
            """SELECT t.seq, t.message_id, t."timestamp", t.role, t.event, t.text, t.queue,
                      t.participant_id, t.is_transfer_notice, t.is_fallback,
                      coalesce(f.flags, []) AS flags, coalesce(f.details, []) AS details
               FROM turns t
               LEFT JOIN (SELECT conversation_id, message_id, list(flag ORDER BY flag) AS flags,
                                 list(detail ORDER BY flag) AS details
                          FROM friction_flags GROUP BY ALL) f USING (conversation_id, message_id)
               WHERE t.conversation_id = $id ORDER BY t.seq""",
            {"id": conversation_id},
        ).df()
        if df.empty:
            raise _no_conversation(conversation_id)
        return df

    def sql(self, text: str, params: dict[str, object] | None = None) -> pd.DataFrame:
        """Run read-only SQL."""
        return run_sql(self.con, text, params)

    def saved(self, name: str, params: dict[str, str] | None = None) -> pd.DataFrame:
        return run_saved(self.con, name, params or {})

    def write_report(
        self,
        out: str | Path,
        period: Period | None = None,
        *,
        timezone: str = "UTC",
        generated_at: dt.datetime | None = None,
        redact: bool = True,
    ) -> WrittenReport:
        """Write the report for `period` (default: the latest complete ISO week in the data);
        returns the path with what the page shows and the headline figures."""
        from analyzer.report import default_period, write_report

        chosen = period or default_period(self.con, timezone)
        return write_report(
            self.con, self.config, chosen, Path(out), generated_at=generated_at, redact=redact
        )

    def report(
        self,
        out: str | Path,
        *,
        since: Moment = None,
        until: Moment = None,
        period: Period | None = None,
        generated_at: dt.datetime | None = None,
        redact: bool = True,
    ) -> Path:
        """Write the self-contained HTML report for `period` (or [since, until)); returns its path.

        The report compares the period with the previous one of the same length and uses the
        period's time zone for days and weeks. `redact=False` keeps personal data (e-mail
        addresses, card, phone and account numbers) in the transcripts shown.
        """
        from analyzer.report import write_report

        chosen = period or Period.between(to_utc_naive(since), to_utc_naive(until))
        return write_report(
            self.con, self.config, chosen, Path(out), generated_at=generated_at, redact=redact
        ).path

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_database(
    path: str | Path | None = None,
    *,
    config: Config | str | Path | None = None,
    read_only: bool = False,
    memory: bool = False,
    sandbox: bool = False,
    wait_seconds: float = 0,
) -> Database:
    """Open a database: `path`, else $HANDOFF_DB, else ./handoff.duckdb; `memory=True` for a scratch one.

    `sandbox=True` opens it read-only with DuckDB's guards on: SQL run on it can read the database
    and nothing else (no files, no other databases, no extensions, no settings changed).
    `wait_seconds` is how long to wait for another process that holds the file to let go.
    """
    cfg = config if isinstance(config, Config) else load_config(config)
    target = None if memory else str(path or store.default_db_path())
    con = store.connect(
        target,
        read_only=read_only,
        memory_limit=cfg.memory_limit,
        sandbox=sandbox,
        wait_seconds=wait_seconds,
    )
    return Database(con, target, cfg)


def _no_conversation(conversation_id: str) -> HandoffError:
    return HandoffError(
        f"no conversation {conversation_id!r} in the database",
        'list some with: handoff query "select conversation_id from conversations limit 10"',
    )
