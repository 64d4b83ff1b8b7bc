"""Shared helpers for the platform importers: read a JSON document with DuckDB, check its shape,
insert canonical records into `staged`.

Each importer builds its canonical records with the DuckDB table macros of its
`queries/ingest/importers/<format>.sql` (defined on the connection by `define`); Python only
names the file, the format and the parameters, and turns a wrong shape into an InputFileError.

A format loaded as many small files (one per contact or session) instead reads each file once
into the temp table `documents` (stage_document, stage_lines) and builds the records of all its
files in one statement at the end (finish_documents): planning a large statement costs more
than reading a small file, so it is planned once per load, not once per file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb

from analyzer.errors import InputFileError
from analyzer.ingest.canonical import LINE_DELIMITER, NUMBERED_LINES
from analyzer.sql import query

# One JSON value per file: the whole document, however it is laid out (an object or an array).
DOC = (
    "read_json($file, format = 'unstructured', records = false, columns = {'json': 'JSON'},"
    " maximum_object_size = 268435456)"
)
# One row per element of a top-level JSON array, in file order (with its 1-based index).
ARRAY_ITEMS = (
    "(SELECT row_number() OVER () AS idx, json AS item FROM read_json($file, format = 'array',"
    " records = false, columns = {'json': 'JSON'}, maximum_object_size = 268435456))"
)

# Documents read by the stagers, waiting for their format's finisher. `doc` is the JSON text of
# the whole file (stage_document) or of one line (stage_lines, line_no counts from 1).
DOCUMENTS_DDL = """
CREATE OR REPLACE TEMP TABLE documents (
    source_file   VARCHAR NOT NULL,
    source_format VARCHAR NOT NULL,
    line_no       BIGINT NOT NULL,
    doc           VARCHAR
)
"""
_DOCUMENT = f"INSERT INTO documents SELECT $file, $fmt, 1, CAST(json AS VARCHAR) FROM {DOC}"
# Lines as text (as canonical JSONL is read), so one broken line is a reject, not a failed file.
# A line may start with a CloudWatch Logs export's time stamp before the JSON.
_LINES = f"""
INSERT INTO documents
SELECT $file, $fmt, n,
       CASE WHEN starts_with(ltrim(line), '{{') THEN line
            ELSE coalesce(nullif(substr(line, strpos(line, '{{')), ''), line) END
FROM ({NUMBERED_LINES})
"""

# The lines of one format in `documents` (stage_lines): `r` is the line as JSON, NULL when the
# line is not a JSON object (its record is then staged as the raw line and rejected).
LINE_OBJECTS = """(
    SELECT source_file, line_no, doc, CASE WHEN json_type(j) = 'OBJECT' THEN j END AS r
    FROM (SELECT *, try_cast(doc AS JSON) AS j FROM documents WHERE source_format = $fmt)
)"""

# The columns of `staged` that every importer fills, in order.
INSERT = (
    "INSERT INTO staged"
    " (source_file, source_format, record_no, raw, stage_error, timestamp_optional)"
)


def unreadable(where: str, fmt: str, exc: duckdb.Error) -> InputFileError:
    """DuckDB could not read `where` (a file, or a list of files) as `fmt`."""
    detail = str(exc).split("\n", 1)[0]
    return InputFileError(
        f"{where}: cannot read as {fmt} ({detail})",
        f"check it is a {fmt} export, or pass --format with its real format",
    )


def missing_field(path: str | Path, fmt: str, name: str) -> InputFileError:
    return InputFileError(
        f"{path}: not in the {fmt} format, missing field {name}",
        f"check the file is a {fmt} export, or pass --format with its real format",
    )


def define(con: duckdb.DuckDBPyConnection, fmt: str) -> None:
    """Define the table macros of queries/ingest/importers/<fmt>.sql on `con` (temp, per connection)."""
    con.execute(query("ingest/importers", fmt).sql)


def run_stage(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    fmt: str,
    sql: str,
    params: dict[str, Any] | None = None,
) -> None:
    """Run one staging statement; a file DuckDB cannot parse as JSON becomes an InputFileError."""
    try:
        con.execute(sql, {"file": str(path), "fmt": fmt, **(params or {})})
    except duckdb.Error as exc:
        raise unreadable(str(path), fmt, exc) from exc


def require(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    fmt: str,
    sql: str,
    fields: list[str],
    params: dict[str, Any] | None = None,
) -> None:
    """Refuse a file of the wrong shape.

    `sql` returns one row of booleans, one per entry of `fields`, each true when that field is
    present where the format needs it; the first false one is named in the error.
    """
    try:
        row = con.execute(sql, {"file": str(path), **(params or {})}).fetchone()
    except duckdb.Error as exc:
        raise unreadable(str(path), fmt, exc) from exc
    for name, present in zip(fields, row or [False] * len(fields), strict=True):
        if not present:
            raise missing_field(path, fmt, name)


def head_has(head: bytes, *patterns: str) -> bool:
    """All `patterns` (regexes over the decoded head of the file) occur."""
    text = head.decode("utf-8", errors="ignore")
    return all(re.search(p, text) for p in patterns)


def head_starts(head: bytes, char: str) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == char.encode()


def key(name: str) -> str:
    """A regex for a JSON key in the head of a file."""
    return r'"' + re.escape(name) + r'"\s*:'


def stage_document(con: duckdb.DuckDBPyConnection, path: Path, fmt: str) -> None:
    """Read the whole JSON document of `path` into `documents` (a parse error names the file)."""
    run_stage(con, path, fmt, _DOCUMENT)


def stage_lines(con: duckdb.DuckDBPyConnection, path: Path, fmt: str) -> None:
    """Read the non-blank lines of a JSON Lines file into `documents`."""
    # a control character that JSON text never holds unescaped: one column per line
    run_stage(con, path, fmt, _LINES, {"delim": LINE_DELIMITER})


def finish_documents(
    con: duckdb.DuckDBPyConnection,
    fmt: str,
    shape: str,
    fields: list[str],
    sql: str,
    params: dict[str, Any] | None = None,
) -> None:
    """Check the shape of every file of `fmt` in `documents`, then stage all their records.

    `shape` returns one row per file: source_file, then one boolean per entry of `fields`, each
    true when that field is present where the format needs it. The first file (by name) with a
    false one is refused, naming the field. `sql` inserts the records of all files into `staged`.
    Both read `documents` filtered on `source_format = $fmt`.
    """
    bound = {"fmt": fmt, **(params or {})}
    flags = ", ".join(f"f{i}" for i in range(len(fields)))
    all_present = " AND ".join(f"coalesce(f{i}, false)" for i in range(len(fields)))
    first_bad = (
        f"SELECT * FROM ({shape}) AS s(source_file, {flags})"
        f" WHERE NOT ({all_present}) ORDER BY source_file LIMIT 1"
    )
    files = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT source_file FROM documents WHERE source_format = $fmt ORDER BY 1 LIMIT 3",
            {"fmt": fmt},
        ).fetchall()
    ]
    try:
        bad = con.execute(first_bad, {"fmt": fmt}).fetchone()
        if bad is None:
            con.execute(sql, bound)
    except duckdb.Error as exc:
        raise unreadable(", ".join(files), fmt, exc) from exc
    if bad is not None:
        path, present = bad[0], bad[1:]
        name = next(f for f, ok in zip(fields, present, strict=True) if not ok)
        raise missing_field(path, fmt, name)
    con.execute("DELETE FROM documents WHERE source_format = $fmt", {"fmt": fmt})
