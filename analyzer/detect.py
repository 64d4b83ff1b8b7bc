"""Friction detectors: every `queries/detectors/*.sql` returns offending rows; together they fill `friction_flags`.

Before them, `queries/support/` fills two small tables with one statement per configured
identifier kind and ask kind, so that each of those regexes is a constant DuckDB compiles once
instead of a pattern column compiled again on every row.
"""

from __future__ import annotations

from typing import Any

import duckdb

from analyzer.config import Config
from analyzer.sql import bind, queries_in, query

FLAG_COLUMNS = ("conversation_id", "flag", "message_id", "detail", "score")


def _per_kind(
    con: duckdb.DuckDBPyConnection,
    table: str,
    name: str,
    pairs: list[tuple[str, str]],
    params: dict[str, Any],
    columns: str,
) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} ({columns})")
    q = query("support", name)
    body = q.sql.rstrip().rstrip(";")
    for kind, pattern in pairs:  # one statement per configured pattern, not per row
        con.execute(f"INSERT INTO {table} {body}", bind(q, params | {"kind": kind, "pattern": pattern}))


SUPPORT_TABLES = ("identifier_hits", "ask_candidates", "identifier_values", "kind_asks")


def prepare_support(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> None:
    for name in ("identifier_hits", "ask_candidates"):  # one constant regex each, over turns
        q = query("support", name)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS " + q.sql.rstrip().rstrip(";"), bind(q, params)
        )
    _per_kind(
        con, "identifier_values", "identifier_values",
        list(zip(params["identifier_kinds"], params["identifier_patterns"], strict=True)), params,
        "conversation_id VARCHAR, seq BIGINT, text VARCHAR, kind VARCHAR, raw_value VARCHAR",
    )
    _per_kind(
        con, "kind_asks", "kind_asks",
        list(zip(params["ask_kinds"], params["ask_patterns"], strict=True)), params,
        "conversation_id VARCHAR, seq BIGINT, kind VARCHAR",
    )


def run_detectors(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Replace `friction_flags` with what every detector finds now."""
    params = config.sql_params()
    prepare_support(con, params)
    con.execute("DELETE FROM friction_flags")
    for q in queries_in("detectors"):
        body = q.sql.rstrip().rstrip(";")
        con.execute(
            "INSERT INTO friction_flags BY NAME SELECT conversation_id, flag, message_id, detail, "
            f"score FROM ({body})",
            bind(q, params) or None,
        )
    for table in SUPPORT_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {table}")
