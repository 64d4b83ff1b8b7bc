"""Derived tables: events -> turns -> conversations -> friction_flags -> conversations (flagged)."""

from __future__ import annotations

import duckdb

from analyzer.config import Config
from analyzer.detect import run_detectors
from analyzer.engine import Engine, as_engine
from analyzer.sql import query


def refresh(target: Engine | duckdb.DuckDBPyConnection, config: Config) -> None:
    """Rebuild every derived table from `events` on `target` (a DuckDB connection or an Engine).

    On DuckDB it runs inside the caller's transaction.
    """
    engine = as_engine(target)
    params = config.sql_params()
    engine.materialize("turns", query("views", "turns"), params)
    engine.materialize("conversations", query("views", "conversations"), params)
    run_detectors(engine, config)
    engine.materialize("conversations", query("views", "conversations_flagged"), params)
