"""Derived tables: events -> turns -> conversations -> friction_flags -> conversations (flagged)."""

from __future__ import annotations

import duckdb

from analyzer.config import Config
from analyzer.detect import run_detectors
from analyzer.sql import materialize, query


def refresh(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Rebuild every derived table from `events`. Runs inside the caller's transaction."""
    params = config.sql_params()
    materialize(con, "turns", query("views", "turns"), params)
    materialize(con, "conversations", query("views", "conversations"), params)
    run_detectors(con, config)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE conversations_next AS "
        + query("views", "conversations_flagged").sql.rstrip().rstrip(";")
    )
    con.execute("CREATE OR REPLACE TABLE conversations AS SELECT * FROM conversations_next")
    con.execute("DROP TABLE conversations_next")
