"""Load files into `events` in one transaction: stage, normalise, dedupe, insert, account."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from analyzer.config import Config
from analyzer.errors import InputFileError
from analyzer.ingest.canonical import STAGED_DDL
from analyzer.ingest.formats import Finisher, detect_format
from analyzer.ingest.platform import DOCUMENTS_DDL
from analyzer.sql import bind, query


@dataclass(frozen=True)
class FileSummary:
    path: str
    format: str
    read: int
    loaded: int
    duplicates: int
    rejected: int
    untimed: int = 0  # records read without a time (formats such as LLM chat messages)

    @property
    def note(self) -> str:
        """What a reader of the summary should know about this file, or ""."""
        if self.untimed and self.untimed == self.read - self.rejected:
            return "this file has no times: the file's order is kept, waits are not measured"
        if self.untimed:
            return f"{self.untimed} record(s) have no time: the file's order is kept for them"
        return ""


@dataclass(frozen=True)
class LoadSummary:
    """What a load did. `loaded + duplicates + rejected == read` always holds."""

    files: list[FileSummary] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    # Files recognised as something other than a transcript: "<path>: <what it is>".
    not_transcripts: list[str] = field(default_factory=list)
    # How the derived tables were brought up to date, for the summary (set by Database.load).
    refresh: str = ""

    @property
    def read(self) -> int:
        return sum(f.read for f in self.files)

    @property
    def loaded(self) -> int:
        return sum(f.loaded for f in self.files)

    @property
    def duplicates(self) -> int:
        return sum(f.duplicates for f in self.files)

    @property
    def rejected(self) -> int:
        return sum(f.rejected for f in self.files)

    def as_dict(self) -> dict[str, object]:
        return {
            "files": len(self.files),
            "read": self.read,
            "loaded": self.loaded,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "refresh": self.refresh,
        }


def _checked_timezone(con: duckdb.DuckDBPyConnection, tz: str) -> str:
    known = con.execute(
        "SELECT count(*) FROM pg_timezone_names() WHERE name = $tz", {"tz": tz}
    ).fetchone()
    if not known or not known[0]:
        raise InputFileError(
            f"unknown time zone {tz!r}", "use an IANA name such as UTC or Europe/London"
        )
    return tz


def _file_facts(path: Path) -> tuple[int, dt.datetime]:
    st = path.stat()
    return st.st_size, dt.datetime.fromtimestamp(st.st_mtime, dt.UTC).replace(tzinfo=None)


def load_files(
    con: duckdb.DuckDBPyConnection,
    files: list[Path],
    config: Config,
    *,
    fmt: str = "auto",
    timezone: str | None = None,
    now: dt.datetime | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> LoadSummary:
    """Stage and insert `files`. Call inside a transaction: an InputFileError aborts the load."""
    loaded_at = (now or dt.datetime.now(dt.UTC)).replace(tzinfo=None, microsecond=0)
    tz = _checked_timezone(con, timezone or config.timezone)
    con.execute(STAGED_DDL)
    con.execute(DOCUMENTS_DDL)
    formats: dict[str, str] = {}
    # formats that build their records once all their files are read
    finishers: dict[str, Finisher] = {}
    not_transcripts: list[str] = []
    for path in files:
        if on_file:
            on_file(path)
        chosen = detect_format(path, fmt)
        if chosen.skip:
            not_transcripts.append(f"{path}: {chosen.skip}")
            continue
        chosen.stage(con, path, config)
        formats[str(path)] = chosen.name
        if chosen.finish:
            finishers.setdefault(chosen.name, chosen.finish)
    for finish in finishers.values():
        finish(con, config)

    # DuckDB turns each record's JSON text into text fields; the schema's rules (shared with the
    # Spark path) then map them to event rows, reading times without a zone in `tz`.
    con.execute(
        "CREATE OR REPLACE TEMP VIEW canonical_records AS "
        + query("ingest", "canonical_records").sql.rstrip().rstrip(";")
    )
    rules = query("ingest", "canonical_columns")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE normalized AS " + rules.sql.rstrip().rstrip(";"),
        bind(rules, {"loaded_at": loaded_at, "timezone": tz}),
    )

    _refuse_unreadable_files(con)
    staged = [p for p in files if str(p) in formats]
    _insert(con, [str(p) for p in staged], loaded_at)
    summary = _account(con, formats)
    _log(con, staged, summary, loaded_at)
    _drop_working_tables(con)
    return LoadSummary(files=summary.files, not_transcripts=not_transcripts)


def _drop_working_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Free the load's working tables before the refresh needs the memory."""
    con.execute("DROP VIEW IF EXISTS canonical_records")
    for temp in ("staged", "documents", "normalized", "fresh"):
        con.execute(f"DROP TABLE IF EXISTS {temp}")


def _refuse_unreadable_files(con: duckdb.DuckDBPyConnection) -> None:
    """A file none of whose records is even a canonical-looking object is the wrong format."""
    bad = con.execute(
        """
        SELECT source_file, source_format, count(*) AS n, min(reject_reason) AS reason
        FROM normalized
        GROUP BY source_file, source_format
        HAVING count(*) FILTER (WHERE reject_reason IS NULL) = 0
           AND count(*) = count(*) FILTER (WHERE reject_reason IN (
                'not valid JSON', 'not a JSON object', 'missing required field conversation_id')
                OR reject_reason LIKE 'CSV row cannot be parsed%')
        ORDER BY source_file
        """
    ).fetchall()
    if bad:
        path, fmt, n, reason = bad[0]
        raise InputFileError(
            f"{path}: none of its {n} records can be read as {fmt} ({reason})",
            "check the file is in the canonical schema, or pass --format with its platform format",
        )


def _insert(con: duckdb.DuckDBPyConnection, files: list[str], loaded_at: dt.datetime) -> None:
    # Rejects of a file are replaced on every load of it, so a reload does not pile them up.
    con.execute("DELETE FROM rejects WHERE list_contains($files, source_file)", {"files": files})
    con.execute(
        """
        INSERT INTO rejects
        SELECT source_file, source_format, record_no, reject_reason, raw, $at
        FROM normalized WHERE reject_reason IS NOT NULL
        ORDER BY source_file, record_no
        """,
        {"at": loaded_at},
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE fresh AS
        SELECT n.* EXCLUDE (reject_reason, raw)
        FROM (
            SELECT * FROM normalized
            WHERE reject_reason IS NULL
            QUALIFY row_number() OVER (
                PARTITION BY conversation_id, message_id ORDER BY source_file, record_no) = 1
        ) n
        ANTI JOIN events e USING (conversation_id, message_id)
        """
    )
    con.execute("INSERT INTO events BY NAME SELECT * FROM fresh")
    # The conversations this load added to: the refresh rebuilds only these (analyzer.pipeline).
    con.execute("CREATE TEMP TABLE IF NOT EXISTS refresh_scope (conversation_id VARCHAR NOT NULL)")
    con.execute(
        "INSERT INTO refresh_scope SELECT DISTINCT conversation_id FROM fresh "
        "EXCEPT SELECT conversation_id FROM refresh_scope"
    )


def _account(con: duckdb.DuckDBPyConnection, formats: dict[str, str]) -> LoadSummary:
    rows = con.execute(
        """
        SELECT n.source_file,
               count(*) AS read,
               count(*) FILTER (WHERE n.reject_reason IS NOT NULL) AS rejected,
               coalesce(any_value(f.loaded), 0) AS loaded,
               count(*) FILTER (WHERE n.reject_reason IS NULL AND n."timestamp" IS NULL) AS untimed
        FROM normalized n
        LEFT JOIN (SELECT source_file, count(*) AS loaded FROM fresh GROUP BY 1) f
          USING (source_file)
        GROUP BY n.source_file
        """
    ).fetchall()
    counted = {r[0]: r for r in rows}
    out: list[FileSummary] = []
    for path, fmt in formats.items():
        _, read, rejected, loaded, untimed = counted.get(path, (path, 0, 0, 0, 0))
        out.append(
            FileSummary(path, fmt, read, loaded, read - rejected - loaded, rejected, untimed)
        )
    return LoadSummary(files=out)


def _log(
    con: duckdb.DuckDBPyConnection, files: list[Path], summary: LoadSummary, at: dt.datetime
) -> None:
    load_id = (con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchone() or (1,))[0]
    for path, fs in zip(files, summary.files, strict=True):
        size, mtime = _file_facts(path)
        con.execute(
            "INSERT INTO loads VALUES ($id, $f, $fmt, $size, $mtime, $read, $loaded, $dup, $rej, $at)",
            {
                "id": load_id,
                "f": fs.path,
                "fmt": fs.format,
                "size": size,
                "mtime": mtime,
                "read": fs.read,
                "loaded": fs.loaded,
                "dup": fs.duplicates,
                "rej": fs.rejected,
                "at": at,
            },
        )
