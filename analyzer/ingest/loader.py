"""Load files into `events` in one transaction: stage, normalise, dedupe, insert, account."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from analyzer.config import Config
from analyzer.errors import InputFileError
from analyzer.ingest import canonical, lines
from analyzer.ingest.canonical import STAGED_DDL, STAGED_LINES_DDL
from analyzer.ingest.formats import Finisher, detect_format
from analyzer.ingest.mapping import DEFAULT_MAP, ColumnMap
from analyzer.ingest.platform import DOCUMENTS_DDL
from analyzer.sql import query


@dataclass(frozen=True)
class FileSummary:
    path: str
    format: str
    read: int
    loaded: int
    duplicates: int
    rejected: int
    untimed: int = 0  # records read without a time (formats such as LLM chat messages)
    # local times in a daylight-saving change (see docs/loading.md, "Times")
    ambiguous_times: int = 0
    nonexistent_times: int = 0
    reader: str = "fast"  # "fast" (DuckDB's reader) or "lines" (the line reader)

    @property
    def note(self) -> str:
        """What a reader of the summary should know about this file, or ""."""
        notes = []
        if self.untimed and self.untimed == self.read - self.rejected:
            notes.append("this file has no times: the file's order is kept, waits are not measured")
        elif self.untimed:
            notes.append(
                f"{self.untimed} record(s) have no time: the file's order is kept for them"
            )
        if self.ambiguous_times:
            notes.append(
                f"{self.ambiguous_times} local time(s) fall in the hour repeated when clocks go"
                " back: read as the second (standard-time) one"
            )
        if self.nonexistent_times:
            notes.append(
                f"{self.nonexistent_times} local time(s) fall in the hour skipped when clocks go"
                " forward: moved forward by the gap"
            )
        return "; ".join(notes)


@dataclass(frozen=True)
class LoadSummary:
    """What a load did. `loaded + duplicates + rejected == read` always holds."""

    files: list[FileSummary] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    # Files left out because they are not their format at all (with keep_going): "<path>: <why>".
    unreadable: list[str] = field(default_factory=list)
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

    @property
    def ambiguous_times(self) -> int:
        return sum(f.ambiguous_times for f in self.files)

    @property
    def nonexistent_times(self) -> int:
        return sum(f.nonexistent_times for f in self.files)

    def as_dict(self) -> dict[str, object]:
        return {
            "files": len(self.files),
            "read": self.read,
            "loaded": self.loaded,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "ambiguous_times": self.ambiguous_times,
            "nonexistent_times": self.nonexistent_times,
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


@dataclass(frozen=True)
class Staging:
    """A load's records, read and normalised into the temp table `normalized`, not yet written."""

    loaded_at: dt.datetime
    formats: dict[str, str]  # path -> format, for the files read
    readers: dict[str, str]  # path -> "fast" or "lines"
    files: list[Path]
    not_transcripts: list[str]
    unreadable: list[str] = field(default_factory=list)


def load_files(
    con: duckdb.DuckDBPyConnection,
    files: list[Path],
    config: Config,
    *,
    fmt: str = "auto",
    timezone: str | None = None,
    now: dt.datetime | None = None,
    on_file: Callable[[Path], None] | None = None,
    maps: tuple[str, ...] = (),
    keep_going: bool = False,
) -> LoadSummary:
    """Read and insert `files` (read_files, then write_files)."""
    staging = read_files(
        con,
        files,
        config,
        fmt=fmt,
        timezone=timezone,
        now=now,
        on_file=on_file,
        maps=maps,
        keep_going=keep_going,
    )
    return write_files(con, staging)


def read_files(
    con: duckdb.DuckDBPyConnection,
    files: list[Path],
    config: Config,
    *,
    fmt: str = "auto",
    timezone: str | None = None,
    now: dt.datetime | None = None,
    on_file: Callable[[Path], None] | None = None,
    maps: tuple[str, ...] = (),
    keep_going: bool = False,
) -> Staging:
    """Read every record of `files` into the temp table `normalized`; the database is untouched.

    Run it outside a transaction: a fast read that fails is then retried with the line reader.
    An InputFileError means a file is not its format at all (nothing was written); with
    `keep_going` such a file is left out and named in `Staging.unreadable` instead.
    """
    loaded_at = (now or dt.datetime.now(dt.UTC)).replace(tzinfo=None, microsecond=0)
    tz = _checked_timezone(con, timezone or config.timezone)
    cmap = ColumnMap.build(config, maps)
    con.execute(STAGED_DDL)
    con.execute(STAGED_LINES_DDL)
    con.execute(DOCUMENTS_DDL)
    base = {"loaded_at": loaded_at, "timezone": tz}
    norm = _Normalizer(con, base)
    norm.create()
    formats: dict[str, str] = {}
    readers: dict[str, str] = {}
    # formats that build their records once all their files are read
    finishers: dict[str, Finisher] = {}
    not_transcripts: list[str] = []
    unreadable: list[str] = []

    def left_out(exc: InputFileError, *paths: str) -> None:
        if not keep_going:
            raise exc
        unreadable.append(str(exc))
        for gone in paths:
            formats.pop(gone, None)
            for table in ("normalized", "staged", "staged_lines"):
                con.execute(f"DELETE FROM {table} WHERE source_file = $f", {"f": gone})

    for path in files:
        if on_file:
            on_file(path)
        try:
            chosen = detect_format(path, fmt)
            if chosen.skip:
                not_transcripts.append(f"{path}: {chosen.skip}")
                continue
            if chosen.stage is None:
                readers[str(path)] = _read_canonical(con, norm, path, chosen.name, cmap)
            else:
                chosen.stage(con, path, config)
                readers[str(path)] = "fast"
        except InputFileError as exc:
            left_out(exc, str(path))
            continue
        formats[str(path)] = chosen.name
        if chosen.finish:
            finishers.setdefault(chosen.name, chosen.finish)
    for name, finish in finishers.items():
        try:
            finish(con, config)
        except InputFileError as exc:
            left_out(exc, *[p for p, f in formats.items() if f == name])
    # Platform importers' records, already in canonical field names.
    norm.insert("SELECT * FROM staged", DEFAULT_MAP, DEFAULT_MAP.resolve(None), {})
    con.execute("DELETE FROM staged")
    while (bad := _unreadable_file(con)) is not None:
        left_out(bad[1], bad[0])
    staged = [p for p in files if str(p) in formats]
    return Staging(loaded_at, formats, readers, staged, not_transcripts, unreadable)


def write_files(con: duckdb.DuckDBPyConnection, staging: Staging) -> LoadSummary:
    """Insert the records read by read_files into `events` and `rejects`, and log the load.

    Call inside a transaction.
    """
    paths = [str(p) for p in staging.files]
    _insert(con, paths, staging.loaded_at)
    summary = _account(con, staging)
    _log(con, staging.files, summary, staging.loaded_at)
    _drop_working_tables(con)
    return LoadSummary(
        files=summary.files,
        not_transcripts=staging.not_transcripts,
        unreadable=staging.unreadable,
    )


class _Normalizer:
    """Runs a reader's relation through canonical_records.sql and canonical_columns.sql."""

    def __init__(self, con: duckdb.DuckDBPyConnection, base: dict[str, object]) -> None:
        self.con = con
        self.base = base
        records = query("ingest", "canonical_records").sql.rstrip().rstrip(";")
        columns = query("ingest", "canonical_columns").sql.rstrip().rstrip(";")
        self.template = (
            "SELECT * FROM (WITH staged_records AS ({reader}), canonical_records AS ("
            + records
            + ") SELECT * FROM ("
            + columns
            + "))"
        )

    def create(self) -> None:
        sql = self.template.replace("{reader}", "SELECT * FROM staged")
        params = DEFAULT_MAP.sql_params(DEFAULT_MAP.resolve(None)) | self.base
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE normalized AS {sql} LIMIT 0", params)

    def insert(
        self, reader: str, cmap: ColumnMap, resolved: dict[str, str], params: dict[str, object]
    ) -> None:
        sql = "INSERT INTO normalized " + self.template.replace("{reader}", reader)
        self.con.execute(sql, cmap.sql_params(resolved) | self.base | params)

    def insert_file(
        self, reader: str, cmap: ColumnMap, resolved: dict[str, str], params: dict[str, object]
    ) -> None:
        """`insert` from one of DuckDB's file readers (canonical.JSONL_FAST, ...).

        The records are written to a temp table first, in file order (DuckDB keeps the order of
        a single-table SELECT, on every thread); its `rowid` then numbers them. Numbering in the
        reader's statement (row_number() OVER ()) would keep that read on one thread.
        """
        try:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE staged_file AS {reader}", params)
            self.insert("SELECT rowid + 1 AS record_no, * FROM staged_file", cmap, resolved, {})
        finally:
            self.con.execute("DROP TABLE IF EXISTS staged_file")


def _read_canonical(
    con: duckdb.DuckDBPyConnection, norm: _Normalizer, path: Path, fmt: str, cmap: ColumnMap
) -> str:
    """Normalise one canonical file into `normalized`; "fast" or "lines", the reader that did."""
    file: dict[str, object] = {"file": str(path)}
    if fmt == "parquet":
        names = canonical.parquet_columns(con, path)
        canonical.require_columns(path, "Parquet", names, cmap)
        try:
            norm.insert_file(canonical.PARQUET_FAST, cmap, cmap.resolve(names), file)
        except duckdb.Error as exc:
            raise InputFileError(
                f"{path}: cannot read as Parquet ({str(exc).splitlines()[0]})", "check the file"
            ) from exc
        return "fast"
    if fmt == "csv":
        dialect = canonical.csv_dialect(con, path)
        canonical.require_columns(path, "CSV", dialect.header, cmap)
        resolved = cmap.resolve(dialect.header)
        params = file | {
            "columns": {name: "VARCHAR" for name in dialect.header},
            "skip": dialect.skip,
            "delim": dialect.delimiter,
            "encoding": dialect.duckdb_encoding,
        }
        if _try_fast(con, norm, canonical.CSV_FAST, cmap, resolved, params, path):
            return "fast"
        records = lines.csv_records(path, dialect)
    else:
        resolved = cmap.resolve(None)
        if _try_fast(con, norm, canonical.JSONL_FAST, cmap, resolved, file, path, jsonl=True):
            return "fast"
        records = lines.jsonl_records(path)
    try:
        lines.stage(con, path, fmt, records)
    except (OSError, EOFError) as exc:
        raise InputFileError(
            f"{path}: cannot read the file ({exc})", "check it is readable"
        ) from exc
    norm.insert("SELECT * FROM staged_lines", cmap, resolved, {})
    con.execute("DELETE FROM staged_lines")
    return "lines"


def _try_fast(
    con: duckdb.DuckDBPyConnection,
    norm: _Normalizer,
    reader: str,
    cmap: ColumnMap,
    resolved: dict[str, str],
    params: dict[str, object],
    path: Path,
    *,
    jsonl: bool = False,
) -> bool:
    """Normalise `path` with DuckDB's own reader; False (and nothing kept) when it cannot."""
    try:
        norm.insert_file(reader, cmap, resolved, params)
        if not jsonl:
            return True
        row = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE reject_code = 'unreadable_line')"
            " FROM normalized WHERE source_file = $file",
            {"file": str(path)},
        ).fetchone()
        rows, unreadable = row if row else (0, 0)
        if not unreadable:
            counted = con.execute(canonical.JSONL_LINE_COUNT, {"file": str(path)}).fetchone()
            if counted and counted[0] == rows:
                return True
    except duckdb.Error:
        pass
    con.execute("DELETE FROM normalized WHERE source_file = $file", {"file": str(path)})
    return False


def _drop_working_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Free the load's working tables before the refresh needs the memory."""
    for temp in ("staged", "staged_lines", "documents", "activities", "normalized", "duplicates"):
        con.execute(f"DROP TABLE IF EXISTS {temp}")
    con.execute("DROP VIEW IF EXISTS stored_events")


def _unreadable_file(con: duckdb.DuckDBPyConnection) -> tuple[str, InputFileError] | None:
    """A file none of whose records is even a canonical-looking object is the wrong format."""
    bad = con.execute(
        """
        SELECT source_file, source_format, count(*) AS n, min(reject_reason) AS reason
        FROM normalized
        GROUP BY source_file, source_format
        HAVING count(*) FILTER (WHERE reject_reason IS NULL) = 0
           AND count(*) = count(*) FILTER (WHERE reject_code IN (
                'invalid_json', 'not_object', 'missing_conversation_id', 'invalid_utf8',
                'invalid_encoding', 'csv_quote', 'csv_row', 'csv_width'))
        ORDER BY source_file
        """
    ).fetchall()
    if not bad:
        return None
    path, fmt, n, reason = bad[0]
    return path, InputFileError(
        f"{path}: none of its {n} records can be read as {fmt} ({reason})",
        "check the file is in the canonical schema, or pass --format with its platform format",
    )


def _insert(con: duckdb.DuckDBPyConnection, files: list[str], loaded_at: dt.datetime) -> None:
    # Rejects of a file are replaced on every load of it, so a reload does not pile them up.
    con.execute("DELETE FROM rejects WHERE list_contains($files, source_file)", {"files": files})
    con.execute(
        """
        INSERT INTO rejects (source_file, source_format, record_no, reason, raw, rejected_at,
                             reject_code)
        SELECT source_file, source_format, record_no, reject_reason, raw, $at, reject_code
        FROM normalized WHERE reject_reason IS NOT NULL
        ORDER BY source_file, record_no
        """,
        {"at": loaded_at},
    )
    # Keys only (queries/ingest/duplicates.sql, the rule Spark runs too); the text is read once
    # more, by the insert.
    con.execute(
        "CREATE OR REPLACE TEMP VIEW stored_events AS SELECT conversation_id, message_id FROM events"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE duplicates AS "
        + query("ingest", "duplicates").sql.rstrip(";\n")
    )
    con.execute(
        """
        INSERT INTO events BY NAME
        SELECT n.* EXCLUDE (reject_reason, reject_code, raw, time_note)
        FROM normalized n
        ANTI JOIN duplicates d USING (source_file, record_no)
        WHERE n.reject_reason IS NULL
        """
    )
    # The conversations this load added to: the refresh rebuilds only these (analyzer.pipeline).
    con.execute("CREATE TEMP TABLE IF NOT EXISTS refresh_scope (conversation_id VARCHAR NOT NULL)")
    con.execute(
        """
        INSERT INTO refresh_scope
        SELECT DISTINCT n.conversation_id
        FROM normalized n
        ANTI JOIN duplicates d USING (source_file, record_no)
        WHERE n.reject_reason IS NULL
        EXCEPT SELECT conversation_id FROM refresh_scope
        """
    )


def _account(con: duckdb.DuckDBPyConnection, staging: Staging) -> LoadSummary:
    rows = con.execute(
        """
        SELECT n.source_file,
               count(*) AS read,
               count(*) FILTER (WHERE n.reject_reason IS NOT NULL) AS rejected,
               coalesce(any_value(d.duplicates), 0) AS duplicates,
               count(*) FILTER (WHERE n.reject_reason IS NULL AND n."timestamp" IS NULL) AS untimed,
               count(*) FILTER (WHERE n.reject_reason IS NULL AND n.time_note = 'ambiguous'),
               count(*) FILTER (WHERE n.reject_reason IS NULL AND n.time_note = 'nonexistent')
        FROM normalized n
        LEFT JOIN (SELECT source_file, count(*) AS duplicates FROM duplicates GROUP BY 1) d
          USING (source_file)
        GROUP BY n.source_file
        """
    ).fetchall()
    counted = {r[0]: r for r in rows}
    out: list[FileSummary] = []
    for path, fmt in staging.formats.items():
        _, read, rejected, dup, untimed, ambiguous, nonexistent = counted.get(
            path, (path, 0, 0, 0, 0, 0, 0)
        )
        out.append(
            FileSummary(
                path,
                fmt,
                read,
                read - rejected - dup,
                dup,
                rejected,
                untimed,
                ambiguous,
                nonexistent,
                staging.readers.get(path, "fast"),
            )
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
