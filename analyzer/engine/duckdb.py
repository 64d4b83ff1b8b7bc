"""The single-machine engine: `queries/` as written, on one DuckDB connection."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from analyzer.engine.protocol import Params, body
from analyzer.sql import Query, bind


class DuckDBEngine:
    """The single-machine engine: one DuckDB connection (the caller owns its transaction)."""

    name = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def materialize(
        self, table: str, q: Query, params: Params | None = None, *, temp: bool = False
    ) -> None:
        kind = "TEMP TABLE" if temp else "TABLE"
        self.con.execute(
            f"CREATE OR REPLACE {kind} {table} AS {body(q)}", bind(q, dict(params or {})) or None
        )

    def fetch(self, q: Query, params: Params | None = None) -> pd.DataFrame:
        bound = bind(q, dict(params or {}))
        return (self.con.execute(q.sql, bound) if bound else self.con.execute(q.sql)).df()

    def clear(self, table: str, columns: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {table} ({columns})")

    def drop(self, table: str) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {table}")

    def append(
        self, table: str, steps: Sequence[tuple[Query, Params | None]], columns: Sequence[str]
    ) -> None:
        for q, params in steps:
            self.con.execute(
                f"INSERT INTO {table} BY NAME SELECT {', '.join(columns)} FROM ({body(q)})",
                bind(q, dict(params or {})) or None,
            )
