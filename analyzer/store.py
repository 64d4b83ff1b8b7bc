"""The only owner of DuckDB connections and DDL."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from analyzer import migrations
from analyzer.errors import ConfigError, DatabaseError

DEFAULT_DB = "handoff.duckdb"


def default_db_path() -> str:
    """`HANDOFF_DB` when set, else ./handoff.duckdb."""
    return os.environ.get("HANDOFF_DB") or DEFAULT_DB


_SIZE = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)


def checked_memory_limit(value: str) -> str:
    """A DuckDB memory size such as "1GB" (checked, since SET takes no bound parameter)."""
    if not _SIZE.match(value):
        raise ConfigError(
            f"[engine] memory_limit = {value!r} is not a memory size",
            'write it like memory_limit = "1GB" or "512MB"',
        )
    return value.strip()


def connect(
    path: str | Path | None, *, read_only: bool = False, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """Open (and when needed, create or upgrade) a handoff database. None means in-memory.

    `memory_limit` caps DuckDB's memory; work beyond it spills to disk (beside a database file,
    or in the system's temporary folder for an in-memory database, never in the working folder).
    A database written by an older version is upgraded first (see analyzer.migrations), even when
    opened read-only; one written by a newer version is refused.
    """
    target = ":memory:" if path is None else str(path)
    if read_only and target != ":memory:" and not Path(target).is_file():
        raise DatabaseError(
            f"database {target} does not exist",
            "load transcripts first with `handoff load PATH --db " + target + "`",
        )
    con = _open(target, read_only=read_only, memory_limit=memory_limit)
    version = migrations.stored_version(con)
    migrations.refuse_newer(version, target)
    if not read_only:
        migrations.upgrade(con, version)
    elif version is not None and version < migrations.latest():
        con.close()  # upgrade once with a writable connection, then open as asked
        migrations.upgrade(_open(target, read_only=False, memory_limit=memory_limit), version)
        con = _open(target, read_only=True, memory_limit=memory_limit)
    return con


def _open(target: str, *, read_only: bool, memory_limit: str | None) -> duckdb.DuckDBPyConnection:
    try:
        con = duckdb.connect(target, read_only=read_only)
    except duckdb.Error as exc:
        raise DatabaseError(
            f"cannot open database {target}: {exc}",
            "check the path, or close the other program that holds it",
        ) from exc
    con.execute("SET TimeZone = 'UTC'")
    if memory_limit:
        con.execute(f"SET memory_limit = '{checked_memory_limit(memory_limit)}'")
    if target == ":memory:":
        spill = Path(tempfile.gettempdir()) / f"handoff-spill-{os.getpid()}"
        con.execute("SET temp_directory = $d", {"d": str(spill)})
    return con


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
