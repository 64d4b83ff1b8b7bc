"""Readers for our own canonical schema in JSON Lines, CSV and Parquet.

Each reader is a SQL relation with the columns of `staged` (one record as a JSON object per row).
A clean file takes the fast path: DuckDB's own read_json / read_csv / read_parquet, normalised
straight into the load's working table. A file the fast read cannot take whole (a broken line,
a blank line that would shift the record numbers, a bad byte, a ragged CSV row) is read again by
the line reader in `analyzer.ingest.lines`, which keeps every record with its number and reason.
Both give the same rows for a clean file; the hostile-input tests check it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from analyzer.errors import InputFileError
from analyzer.ingest.mapping import ColumnMap

STAGED_COLUMNS = """
    source_file        VARCHAR NOT NULL,
    source_format      VARCHAR NOT NULL,
    record_no          BIGINT NOT NULL,
    raw                VARCHAR,          -- one canonical record as a JSON object
    stage_error        VARCHAR,          -- set when the reader itself could not parse the record
    timestamp_optional BOOLEAN NOT NULL, -- the format carries no time (e.g. LLM chat messages)
    is_json            BOOLEAN,          -- true when the reader parsed it already; else checked
    stage_code         VARCHAR           -- the reject_code of stage_error (docs/data-contract.md);
                                         -- NULL from a platform importer: bad_item
"""
STAGED_DDL = f"CREATE OR REPLACE TEMP TABLE staged ({STAGED_COLUMNS})"
# Records of canonical files read by the line reader (normalised with the load's column map).
STAGED_LINES_DDL = f"CREATE OR REPLACE TEMP TABLE staged_lines ({STAGED_COLUMNS})"

# The non-blank lines of a file as text, numbered as in the file (n). Used by the platform
# importers that read JSON Lines; the delimiter is a control character that valid JSON text never
# holds unescaped.
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
MAX_RECORD_BYTES = 8 * 1024 * 1024

# Fast readers: every line or row of a clean file, in file order (the loader numbers them as the
# line reader does, by the rowid of the table it writes them to).
# A line read_json cannot parse comes back as NULL and sends the file to the line reader.
JSONL_FAST = f"""
SELECT $file AS source_file, 'jsonl' AS source_format,
       CAST(json AS VARCHAR) AS raw,
       CASE WHEN json IS NULL THEN 'unreadable line' END AS stage_error,
       false AS timestamp_optional, json IS NOT NULL AS is_json,
       CASE WHEN json IS NULL THEN 'unreadable_line' END AS stage_code
FROM read_json($file, format = 'newline_delimited', records = false, columns = {{'json': 'JSON'}},
               ignore_errors = true, maximum_object_size = {MAX_RECORD_BYTES})
"""
# Physical lines of a file as read_csv counts them, blank ones included: equal to the fast
# read's row count only when no blank line shifted the numbering.
JSONL_LINE_COUNT = f"""
SELECT count(*) FROM read_csv($file, columns = {{'line': 'VARCHAR'}}, header = false,
                              auto_detect = false, delim = '{LINE_DELIMITER}', quote = '', escape = '',
                              strict_mode = false, null_padding = true,
                              max_line_size = {MAX_RECORD_BYTES})
"""
CSV_FAST = f"""
SELECT $file AS source_file, 'csv' AS source_format,
       CAST(to_json(t) AS VARCHAR) AS raw, CAST(NULL AS VARCHAR) AS stage_error,
       false AS timestamp_optional, true AS is_json, CAST(NULL AS VARCHAR) AS stage_code
FROM read_csv($file, columns = $columns, header = false, skip = $skip, auto_detect = false,
              delim = $delim, quote = '"', escape = '"', encoding = $encoding,
              strict_mode = true, null_padding = false, max_line_size = {MAX_RECORD_BYTES}) t
"""
PARQUET_FAST = """
SELECT $file AS source_file, 'parquet' AS source_format,
       CAST(to_json(t) AS VARCHAR) AS raw, CAST(NULL AS VARCHAR) AS stage_error,
       false AS timestamp_optional, true AS is_json, CAST(NULL AS VARCHAR) AS stage_code
FROM read_parquet($file) t
"""


@dataclass(frozen=True)
class CsvDialect:
    delimiter: str
    encoding: str  # a Python codec name
    header: list[str]
    skip: int  # lines before the first data row (the header, and any before it)

    @property
    def duckdb_encoding(self) -> str:
        return {"utf-8-sig": "utf-8", "utf-8": "utf-8", "utf-16": "utf-16"}.get(
            self.encoding, "latin-1"
        )


def _opener(path: Path) -> io.BufferedIOBase:
    import gzip

    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return path.open("rb")


def sniff_encoding(head: bytes) -> str:
    """utf-8 (with or without BOM), utf-16 by its BOM, else latin-1 (every byte is a character)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a character cut at the end of the sample is still UTF-8
        if exc.start < len(head) - 4:
            return "latin-1"
    return "utf-8"


def _unique(names: list[str]) -> list[str]:
    """Header names made unique and non-empty, so no column is lost: a, a -> a, a_2."""
    out: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(names, start=1):
        base = raw.strip() or f"column_{i}"
        name, k = base, 2
        while name in seen:
            name, k = f"{base}_{k}", k + 1
        seen.add(name)
        out.append(name)
    return out


def csv_dialect(con: duckdb.DuckDBPyConnection, path: Path) -> CsvDialect:
    """The delimiter (DuckDB's sniff_csv), the encoding and the header of a CSV file."""
    try:
        with _opener(path) as fh:
            head = fh.read(1 << 20)
    except (OSError, EOFError) as exc:
        raise InputFileError(
            f"{path}: cannot read the file ({exc})", "check it is not truncated"
        ) from exc
    encoding = sniff_encoding(head)
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    lines = re.split(r"\r\n|\n|\r", text)
    index = next((i for i, ln in enumerate(lines) if ln.strip()), 0)
    first = lines[index] if lines else ""
    if path.name.lower().removesuffix(".gz").endswith(".tsv"):
        delimiter = "\t"
    else:
        delimiter = _sniffed_delimiter(con, path, encoding) or _counted_delimiter(first)
    header = next(csv.reader(io.StringIO(first), delimiter=delimiter), [])
    skip = index + 1
    return CsvDialect(delimiter, encoding, _unique(header), skip)


def _sniffed_delimiter(con: duckdb.DuckDBPyConnection, path: Path, encoding: str) -> str | None:
    enc = {"utf-8-sig": "utf-8", "utf-8": "utf-8", "utf-16": "utf-16"}.get(encoding, "latin-1")
    try:
        row = con.execute(
            "SELECT Delimiter FROM sniff_csv($f, encoding = $e, sample_size = 2048, ignore_errors = true)",
            {"f": str(path), "e": enc},
        ).fetchone()
    except duckdb.Error:
        return None
    delim = row[0] if row else None
    return delim if delim in (",", ";", "\t", "|") else None


def _counted_delimiter(first: str) -> str:
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def require_columns(path: Path, fmt: str, names: list[str], cmap: ColumnMap) -> None:
    """Refuse a file without the required fields, pointing at --map and `handoff init`."""
    missing = cmap.missing(names)
    if missing:
        raise InputFileError(
            f"{path}: not a canonical {fmt} file, missing column(s) {', '.join(missing)}"
            f" (found: {', '.join(names[:12]) or 'none'})",
            "map your columns with --map conversation_id=<column> (or [load.columns]); "
            f"`handoff init {path.name}` writes a handoff.toml that does it, or pass --format"
            " for a platform export",
        )


def parquet_columns(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    try:
        return [
            r[0]
            for r in con.execute(
                "DESCRIBE SELECT * FROM read_parquet($f)", {"f": str(path)}
            ).fetchall()
        ]
    except duckdb.Error as exc:
        raise InputFileError(
            f"{path}: cannot read as Parquet ({str(exc).splitlines()[0]})",
            "check the file is Parquet, or pass --format with its real format",
        ) from exc
