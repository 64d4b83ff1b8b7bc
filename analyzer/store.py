"""The only owner of DuckDB connections and DDL."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from analyzer import migrations
from analyzer.config_schema import checked_memory_limit
from analyzer.errors import DatabaseError, LockBusyError

DEFAULT_DB = "handoff.duckdb"


def default_db_path() -> str:
    """`HANDOFF_DB` when set, else ./handoff.duckdb."""
    return os.environ.get("HANDOFF_DB") or DEFAULT_DB


# DuckDB's own guards for a connection that runs SQL a user typed: no file outside the database
# can be read or written (COPY, IMPORT/EXPORT DATABASE, ATTACH, read_csv, glob), no extension can
# be installed or loaded, and, once `lock_configuration` is set, no SET or PRAGMA can undo that.
_SANDBOX: dict[str, str | bool | int | float | list[str]] = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
}


def connect(
    path: str | Path | None,
    *,
    read_only: bool = False,
    memory_limit: str | None = None,
    sandbox: bool = False,
    wait_seconds: float = 0,
) -> duckdb.DuckDBPyConnection:
    """Open (and when needed, create or upgrade) a handoff database. None means in-memory.

    `memory_limit` caps DuckDB's memory; work beyond it spills to disk (beside a database file,
    or in the system's temporary folder for an in-memory database, never in the working folder).
    A database written by an older version is upgraded first (see analyzer.migrations), even when
    opened read-only; one written by a newer version is refused. `sandbox` opens it read-only
    with DuckDB's external access, extension loading and configuration changes switched off: the
    connection for `handoff query`. When another process holds the file, it is tried again for
    up to `wait_seconds`.
    """
    target = ":memory:" if path is None else str(path)
    read_only = read_only or (sandbox and target != ":memory:")
    if read_only and target != ":memory:" and not Path(target).is_file():
        raise DatabaseError(
            f"database {target} does not exist",
            "load transcripts first with `handoff load PATH --db " + target + "`",
        )

    def open_as(ro: bool, guarded: bool) -> duckdb.DuckDBPyConnection:
        return _open(
            target,
            read_only=ro,
            memory_limit=memory_limit,
            sandbox=guarded,
            wait_seconds=wait_seconds,
        )

    if sandbox and target == ":memory:":
        return open_as(False, True)
    con = open_as(read_only, False)
    version = migrations.stored_version(con)
    migrations.refuse_newer(version, target)
    if not read_only:
        migrations.upgrade(con, version)
    elif version is not None and version < migrations.latest():
        con.close()  # upgrade once with a writable connection, then open as asked
        migrations.upgrade(open_as(False, False), version)
        con = open_as(True, False)
    if sandbox:
        con.close()
        con = open_as(True, True)
    return con


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = $n AND schema_name = current_schema()",
        {"n": name},
    ).fetchone()
    return bool(row and row[0])


def _open(
    target: str,
    *,
    read_only: bool,
    memory_limit: str | None,
    sandbox: bool = False,
    wait_seconds: float = 0,
) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            con = duckdb.connect(
                target, read_only=read_only, config=dict(_SANDBOX) if sandbox else {}
            )
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise DatabaseError(
                    f"cannot open database {target}: {exc}", "check the path"
                ) from exc
            if time.monotonic() < deadline:
                time.sleep(0.2)
                continue
            raise LockBusyError(
                f"database {target} is in use by another process: {exc}",
                "wait for it to finish (`handoff run` waits up to [run] lock_wait_seconds)",
            ) from exc
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
    if sandbox:
        con.execute("SET lock_configuration = true")
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
