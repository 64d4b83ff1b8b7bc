"""Friction detectors: every `queries/detectors/*.sql` returns offending rows; together they fill `friction_flags`."""

from __future__ import annotations

import duckdb

from analyzer.config import Config
from analyzer.sql import bind, queries_in

FLAG_COLUMNS = ("conversation_id", "flag", "message_id", "detail", "score")


def run_detectors(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Replace `friction_flags` with what every detector finds now."""
    params = config.sql_params()
    con.execute("DELETE FROM friction_flags")
    for q in queries_in("detectors"):
        body = q.sql.rstrip().rstrip(";")
        con.execute(
            "INSERT INTO friction_flags BY NAME SELECT conversation_id, flag, message_id, detail, "
            f"score FROM ({body})",
            bind(q, params) or None,
        )
