"""Ad-hoc read-only SQL and the saved queries in `queries/saved/`."""

from __future__ import annotations

import duckdb
import pandas as pd

from analyzer.errors import QueryError
from analyzer.sql import Query, bind, queries_in

_READ_ONLY_TYPES = {"SELECT", "EXPLAIN", "PRAGMA", "SHOW"}


def check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse anything but reading, before it runs (the database is also opened read-only)."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(f"the SQL does not parse: {exc}", "check the statement") from exc
    if not statements:
        raise QueryError("no SQL statement given", 'pass one, e.g. "select count(*) from events"')
    for st in statements:
        kind = st.type.name if hasattr(st.type, "name") else str(st.type)
        if kind.upper() not in _READ_ONLY_TYPES:
            raise QueryError(
                f"handoff query only reads: a {kind.upper()} statement is not allowed",
                "use SELECT; change data with `handoff load`",
            )


def run_sql(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object] | None = None
) -> pd.DataFrame:
    check_read_only(con, sql)
    try:
        return con.execute(sql, params or None).df()
    except duckdb.Error as exc:
        raise QueryError(
            f"query failed: {exc}", "check table and column names in the README"
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
