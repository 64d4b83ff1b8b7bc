"""The only owner of DuckDB connections and DDL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from analyzer import __version__
from analyzer.errors import DatabaseError
from analyzer.sql import query

DEFAULT_DB = "handoff.duckdb"
SCHEMA_VERSION = "1"


def default_db_path() -> str:
    """`HANDOFF_DB` when set, else ./handoff.duckdb."""
    return os.environ.get("HANDOFF_DB") or DEFAULT_DB


def connect(path: str | Path | None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and when writable, create or upgrade) a handoff database. None means in-memory."""
    target = ":memory:" if path is None else str(path)
    if read_only and target != ":memory:" and not Path(target).is_file():
        raise DatabaseError(
            f"database {target} does not exist",
            "load transcripts first with `handoff load PATH --db " + target + "`",
        )
    try:
        con = duckdb.connect(target, read_only=read_only)
    except duckdb.Error as exc:
        raise DatabaseError(
            f"cannot open database {target}: {exc}",
            "check the path, or close the other program that holds it",
        ) from exc
    con.execute("SET TimeZone = 'UTC'")
    if not read_only:
        ensure_schema(con)
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(query("views", "schema").sql)
    con.execute(
        "INSERT OR REPLACE INTO meta VALUES ('schema_version', $v), ('created_by', $t)",
        {"v": SCHEMA_VERSION, "t": f"handoff-analyzer {__version__}"},
    )


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: a failure inside leaves the database as it was."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
