"""Ad-hoc read-only SQL and the saved queries in `queries/saved/`.

The real guard is the connection: `handoff query` opens the database read-only with DuckDB's
external access, extension loading and configuration changes switched off (see
`analyzer.store.connect(sandbox=True)`). The statement check here only gives a friendlier first
error for the common mistakes; it is not what keeps the database and the machine safe.
"""

from __future__ import annotations

import re

import duckdb
import pandas as pd

from analyzer.errors import QueryError
from analyzer.sql import Query, bind, queries_in

_READ_ONLY_TYPES = {"SELECT", "EXPLAIN", "PRAGMA", "SHOW"}
# Statements DuckDB files under an allowed type that still act: IMPORT DATABASE parses as a
# PRAGMA, and EXPLAIN ANALYZE runs the statement it explains.
_EXPLAIN = re.compile(r"^\s*EXPLAIN(\s+ANALY[SZ]E)?\s+", re.IGNORECASE)
_PRAGMA = re.compile(r"^\s*PRAGMA\b", re.IGNORECASE)


def _kind(con: duckdb.DuckDBPyConnection, st: duckdb.Statement) -> str:
    kind = (st.type.name if hasattr(st.type, "name") else str(st.type)).upper()
    text = str(st.query)
    if kind == "PRAGMA" and not _PRAGMA.match(text):
        return text.split(None, 1)[0].upper() if text.strip() else kind
    if kind == "EXPLAIN":
        inner = con.extract_statements(_EXPLAIN.sub("", text, count=1))
        kinds = {_kind(con, i) for i in inner}
        bad = sorted(kinds - _READ_ONLY_TYPES)
        return f"EXPLAIN {bad[0]}" if bad else kind
    return kind


def check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse anything but reading, before it runs (the database is also opened read-only)."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(f"the SQL does not parse: {exc}", "check the statement") from exc
    if not statements:
        raise QueryError("no SQL statement given", 'pass one, e.g. "select count(*) from events"')
    for st in statements:
        try:
            kind = _kind(con, st)
        except duckdb.Error as exc:
            raise QueryError(f"the SQL does not parse: {exc}", "check the statement") from exc
        if kind not in _READ_ONLY_TYPES:
            raise QueryError(
                f"handoff query only reads: {kind} statements are not allowed",
                "use SELECT; change data with `handoff load`",
            )


def run_sql(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object] | None = None
) -> pd.DataFrame:
    check_read_only(con, sql)
    try:
        return con.execute(sql, params or None).df()
    except duckdb.PermissionException as exc:
        raise QueryError(
            f"handoff query reads only this database: {exc}",
            "query the tables listed in docs/data-contract.md; load files with `handoff load`",
        ) from exc
    except duckdb.Error as exc:
        raise QueryError(
            f"query failed: {exc}", "check table and column names in docs/data-contract.md"
        ) from exc


def saved_queries() -> list[Query]:
    return queries_in("saved")


def saved_query(name: str) -> Query:
    for q in saved_queries():
        if q.name == name:
            return q
    names = ", ".join(q.name for q in saved_queries())
    raise QueryError(f"no saved query named {name!r}", f"use one of: {names} (see --list)")


def run_saved(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, str]) -> pd.DataFrame:
    q = saved_query(name)
    surplus = sorted(set(params) - set(q.params))
    if surplus:
        raise QueryError(
            f"saved query {name} takes no parameter {', '.join(surplus)}",
            f"it takes: {', '.join(q.params) or 'none'}",
        )
    return run_sql(con, q.sql, bind(q, dict(params)))
