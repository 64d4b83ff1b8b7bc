"""Shared helpers for the platform importers: read a JSON document with DuckDB, check its shape,
insert canonical records into `staged`.

Each importer builds its canonical records in one SQL statement over `read_json`; Python only
names the file and the format, and turns a wrong shape into an InputFileError.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb

from analyzer.errors import InputFileError

# One JSON value per file: the whole document, however it is laid out (an object or an array).
DOC = (
    "read_json($file, format = 'unstructured', records = false, columns = {'json': 'JSON'},"
    " maximum_object_size = 1073741824)"
)
# One row per element of a top-level JSON array, in file order (with its 1-based index).
ARRAY_ITEMS = (
    "(SELECT row_number() OVER () AS idx, json AS item FROM read_json($file, format = 'array',"
    " records = false, columns = {'json': 'JSON'}, maximum_object_size = 1073741824))"
)

# The columns of `staged` that every importer fills, in order.
INSERT = (
    "INSERT INTO staged"
    " (source_file, source_format, record_no, raw, stage_error, timestamp_optional)"
)


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
        detail = str(exc).split("\n", 1)[0]
        raise InputFileError(
            f"{path}: cannot read as {fmt} ({detail})",
            f"check the file is a {fmt} export, or pass --format with its real format",
        ) from exc


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
        detail = str(exc).split("\n", 1)[0]
        raise InputFileError(
            f"{path}: cannot read as {fmt} ({detail})",
            f"check the file is a {fmt} export, or pass --format with its real format",
        ) from exc
    for name, present in zip(fields, row or [False] * len(fields), strict=True):
        if not present:
            raise InputFileError(
                f"{path}: not in the {fmt} format, missing field {name}",
                f"check the file is a {fmt} export, or pass --format with its real format",
            )


def head_has(head: bytes, *patterns: str) -> bool:
    """All `patterns` (regexes over the decoded head of the file) occur."""
    text = head.decode("utf-8", errors="ignore")
    return all(re.search(p, text) for p in patterns)


def head_starts(head: bytes, char: str) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == char.encode()


def key(name: str) -> str:
    """A regex for a JSON key in the head of a file."""
    return r'"' + re.escape(name) + r'"\s*:'
