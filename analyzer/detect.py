"""Friction detectors: every `queries/detectors/*.sql` returns offending rows; together they fill `friction_flags`."""

from __future__ import annotations

import duckdb

from analyzer.config import Config
from analyzer.engine import Engine, as_engine
from analyzer.sql import queries_in

FLAG_COLUMNS = ("conversation_id", "flag", "message_id", "detail", "score")


def run_detectors(target: Engine | duckdb.DuckDBPyConnection, config: Config) -> None:
    """Replace `friction_flags` with what every detector finds now."""
    engine = as_engine(target)
    params = config.sql_params()
    engine.clear("friction_flags")
    for q in queries_in("detectors"):
        engine.append("friction_flags", q, params, FLAG_COLUMNS)
