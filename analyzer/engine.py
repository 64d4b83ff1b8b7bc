"""The engine seam: every derived table, detector and metric runs through this small interface.

`DuckDBEngine` (the default) runs `queries/` as written on one connection. `SparkEngine`
(analyzer.spark_engine, the `spark` extra) runs the same files transpiled to Spark SQL.
Table names passed here are ours, never user input; values are always bound parameters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import duckdb
import pandas as pd

from analyzer.sql import Query, bind

Params = Mapping[str, Any]


@runtime_checkable
class Engine(Protocol):
    """Where the SQL runs. Tables live in the engine (DuckDB tables, Spark temp views)."""

    name: str

    def materialize(
        self, table: str, q: Query, params: Params | None = None, *, temp: bool = False
    ) -> None:
        """Replace `table` with the result of `q` (`temp`: a working table, not kept)."""

    def fetch(self, q: Query, params: Params | None = None) -> pd.DataFrame:
        """The result of `q` as a pandas DataFrame."""

    def execute(self, sql: str, params: Params | None = None) -> None:
        """Run one statement in the engine's own dialect."""

    def clear(self, table: str, columns: str | None = None) -> None:
        """Empty `table`: keep its columns, or (re)create it with `columns` ("a VARCHAR, b BIGINT")."""

    def drop(self, table: str) -> None:
        """Remove `table` if it exists."""

    def append(self, table: str, q: Query, params: Params | None, columns: Sequence[str]) -> None:
        """Add the rows of `q` (only `columns`, by name) to `table`."""


def _body(q: Query) -> str:
    return q.sql.rstrip().rstrip(";")


class DuckDBEngine:
    """The single-machine engine: one DuckDB connection (the caller owns its transaction)."""

    name = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def materialize(
        self, table: str, q: Query, params: Params | None = None, *, temp: bool = False
    ) -> None:
        bound = bind(q, dict(params or {})) or None
        kind = "TEMP TABLE" if temp else "TABLE"
        code = "\n".join(line.split("--", 1)[0] for line in q.sql.splitlines())
        if re.search(rf"\b{re.escape(table)}\b", code):
            # The query reads the table it replaces: build beside it, then swap.
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {table}_next AS {_body(q)}", bound)
            self.con.execute(f"CREATE OR REPLACE {kind} {table} AS SELECT * FROM {table}_next")
            self.con.execute(f"DROP TABLE {table}_next")
        else:
            self.con.execute(f"CREATE OR REPLACE {kind} {table} AS {_body(q)}", bound)

    def fetch(self, q: Query, params: Params | None = None) -> pd.DataFrame:
        bound = bind(q, dict(params or {}))
        return (self.con.execute(q.sql, bound) if bound else self.con.execute(q.sql)).df()

    def execute(self, sql: str, params: Params | None = None) -> None:
        self.con.execute(sql, dict(params) if params else None)

    def clear(self, table: str, columns: str | None = None) -> None:
        if columns:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {table} ({columns})")
        else:
            self.con.execute(f"DELETE FROM {table}")

    def drop(self, table: str) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {table}")

    def append(self, table: str, q: Query, params: Params | None, columns: Sequence[str]) -> None:
        self.con.execute(
            f"INSERT INTO {table} BY NAME SELECT {', '.join(columns)} FROM ({_body(q)})",
            bind(q, dict(params or {})) or None,
        )


def as_engine(target: Engine | duckdb.DuckDBPyConnection) -> Engine:
    """An engine for `target`; a bare DuckDB connection means the DuckDB engine."""
    if isinstance(target, duckdb.DuckDBPyConnection):
        return DuckDBEngine(target)
    return target
