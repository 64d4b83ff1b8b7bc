"""Schema versions: every database records its schema's version in `meta.schema_version`.

A new database gets the current schema (queries/views/schema.sql) at the latest version. An older
one is brought up to date by `queries/migrations/NNNN_<name>.sql`, applied in order of NNNN inside
one transaction, and logged in `schema_migrations`: a failure leaves the database as it was.
Version 1 is the first versioned schema. A database whose version is newer than this code knows
is refused, since this code could not read it safely.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from analyzer._version import __version__
from analyzer.errors import DatabaseError
from analyzer.sql import Query, queries_in, query

BASELINE = 1


@dataclass(frozen=True)
class Migration:
    version: int
    query: Query


def migrations() -> list[Migration]:
    """Every migration, in the order they apply."""
    found = [Migration(int(q.name.split("_", 1)[0]), q) for q in queries_in("migrations")]
    return sorted(found, key=lambda m: m.version)


def latest() -> int:
    """The schema version this code writes."""
    return max([BASELINE, *(m.version for m in migrations())])


def stored_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version of the open database; None for a database with no tables yet."""
    tables = {
        str(r[0])
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'main'"
        ).fetchall()
    }
    if not tables & {"events", "meta"}:
        return None
    if "meta" not in tables:
        return BASELINE
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        return BASELINE
    try:
        return int(str(row[0]))
    except ValueError:
        raise DatabaseError(
            f"the database's meta.schema_version is {row[0]!r}, not a version number",
            "restore the database from a backup, or load the transcripts into a new one",
        ) from None


def refuse_newer(version: int | None, target: str) -> None:
    if version is not None and version > latest():
        raise DatabaseError(
            f"database {target} has schema version {version}, newer than this handoff-analyzer "
            f"{__version__} can read (up to {latest()})",
            "upgrade handoff-analyzer (pip install -U handoff-analyzer), or use another database",
        )


def upgrade(con: duckdb.DuckDBPyConnection, version: int | None) -> None:
    """Create the schema (version None) or apply the migrations after `version`, all or nothing."""
    if version is not None and version >= latest():
        return
    by = f"handoff-analyzer {__version__}"
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    con.execute("BEGIN TRANSACTION")
    try:
        if version is None:
            con.execute(query("views", "schema").sql)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('created_by', $by)", {"by": by})
        else:
            for m in (m for m in migrations() if m.version > version):
                con.execute(m.query.sql)
                con.execute(
                    "INSERT INTO schema_migrations VALUES ($v, $name, $at, $by)",
                    {"v": m.version, "name": m.query.name, "at": now, "by": by},
                )
        con.execute(
            "INSERT OR REPLACE INTO meta VALUES ('schema_version', $v)", {"v": str(latest())}
        )
    except duckdb.Error as exc:
        con.execute("ROLLBACK")
        raise DatabaseError(
            f"cannot upgrade the database from schema version {version} to {latest()}: {exc}",
            "the database is unchanged; report this with the output of --debug",
        ) from exc
    con.execute("COMMIT")
