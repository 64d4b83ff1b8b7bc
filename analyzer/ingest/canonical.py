"""Stagers for our own canonical schema in JSON Lines, CSV and Parquet.

DuckDB reads every file; Python only names the file and, for CSV, reads the header line.
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import duckdb

from analyzer.config import Config
from analyzer.errors import InputFileError

REQUIRED = ("conversation_id", "timestamp", "role")

STAGED_DDL = """
CREATE OR REPLACE TEMP TABLE staged (
    source_file        VARCHAR NOT NULL,
    source_format      VARCHAR NOT NULL,
    record_no          BIGINT NOT NULL,
    raw                VARCHAR,          -- one canonical record as a JSON object
    stage_error        VARCHAR,          -- set when the reader itself could not parse the record
    timestamp_optional BOOLEAN NOT NULL  -- the format carries no time (e.g. LLM chat messages)
)
"""

# The non-blank lines of a file as text, numbered as in the file (n), so a broken line is kept
# and reported. The delimiter is a control character that valid JSON text never holds unescaped.
NUMBERED_LINES = """
    SELECT n, line FROM (
        SELECT row_number() OVER () AS n, line
        FROM read_csv($file, columns = {'line': 'VARCHAR'}, header = false, auto_detect = false,
                      delim = $delim, quote = '', escape = '', strict_mode = false,
                      null_padding = true, max_line_size = 8388608)
    )
    WHERE line IS NOT NULL AND trim(line) <> ''
"""
LINE_DELIMITER = "\x1e"

_JSONL_LINES = f"""
INSERT INTO staged
SELECT $file, $fmt, n, line, NULL, false
FROM ({NUMBERED_LINES})
"""


def stage_jsonl(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> None:
    try:
        con.execute(_JSONL_LINES, {"file": str(path), "fmt": "jsonl", "delim": LINE_DELIMITER})
    except duckdb.Error as exc:
        raise InputFileError(
            f"{path}: cannot read as JSON Lines ({exc})", "check the file"
        ) from exc


def _csv_header(path: Path, delim: str) -> list[str]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
            first = fh.readline()
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise InputFileError(f"{path}: cannot read as CSV ({exc})", "save it as UTF-8 CSV") from exc
    header = next(csv.reader(io.StringIO(first), delimiter=delim), [])
    return [h.strip() for h in header]


def _require(path: Path, columns: list[str], fmt: str) -> None:
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InputFileError(
            f"{path}: not a canonical {fmt} file, missing column(s) {', '.join(missing)}"
            f" (found: {', '.join(columns[:12]) or 'none'})",
            "rename the columns to conversation_id, timestamp, role, or pass --format for a"
            " platform export",
        )


def stage_csv(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> None:
    delim = "\t" if path.name.lower().removesuffix(".gz").endswith(".tsv") else ","
    header = _csv_header(path, delim)
    _require(path, header, "CSV")
    columns = {name: "VARCHAR" for name in header}
    try:
        con.execute(
            """
            INSERT INTO staged
            SELECT $file, 'csv', row_number() OVER (), to_json(t), NULL, false
            FROM read_csv($file, columns = $columns, header = false, skip = 1,
                          auto_detect = false, delim = $delim, quote = '"', escape = '"',
                          ignore_errors = true, store_rejects = true,
                          rejects_scan = 'csv_reject_scans', rejects_table = 'csv_reject_rows',
                          max_line_size = 8388608) t
            """,
            {"file": str(path), "columns": columns, "delim": delim},
        )
        # Rows the CSV reader could not parse: kept, with the reader's reason and line number.
        con.execute(
            """
            INSERT INTO staged
            SELECT $file, 'csv', line, csv_line,
                   'CSV row cannot be parsed: ' || error_message, false
            FROM csv_reject_rows
            """,
            {"file": str(path)},
        )
    except duckdb.Error as exc:
        raise InputFileError(f"{path}: cannot read as CSV ({exc})", "check the file") from exc
    finally:
        con.execute("DROP TABLE IF EXISTS csv_reject_rows")
        con.execute("DROP TABLE IF EXISTS csv_reject_scans")


def stage_parquet(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> None:
    try:
        columns = [
            r[0]
            for r in con.execute(
                "DESCRIBE SELECT * FROM read_parquet($f)", {"f": str(path)}
            ).fetchall()
        ]
    except duckdb.Error as exc:
        raise InputFileError(f"{path}: cannot read as Parquet ({exc})", "check the file") from exc
    _require(path, columns, "Parquet")
    con.execute(
        """
        INSERT INTO staged
        SELECT $file, 'parquet', row_number() OVER (), to_json(t), NULL, false
        FROM read_parquet($file) t
        """,
        {"file": str(path)},
    )
