"""Friction detectors: every `queries/detectors/*.sql` returns offending rows; together they fill `friction_flags`.

Before them, `queries/support/` fills two small tables with one statement per configured
identifier kind and ask kind, so that each of those regexes is a constant the engine compiles once
instead of a pattern column compiled again on every row.
"""

from __future__ import annotations

from typing import Any

import duckdb

from analyzer.config import Config
from analyzer.engine import Engine, as_engine
from analyzer.sql import queries_in, query

FLAG_COLUMNS = ("conversation_id", "flag", "message_id", "detail", "score")
SUPPORT_TABLES = (
    "identifier_hits",
    "ask_candidates",
    "identifier_values",
    "kind_asks",
    "word_rarity",
    "customer_words",
    "restatements",
)


def _per_kind(
    engine: Engine,
    table: str,
    name: str,
    pairs: list[tuple[str, str]],
    params: dict[str, Any],
    columns: str,
) -> None:
    engine.clear(table, columns)
    q = query("support", name)
    names = [c.split()[0] for c in columns.split(",")]
    for kind, pattern in pairs:  # one statement per configured pattern, not per row
        engine.append(table, q, params | {"kind": kind, "pattern": pattern}, names)


def prepare_support(target: Engine | duckdb.DuckDBPyConnection, params: dict[str, Any]) -> None:
    engine = as_engine(target)
    # one constant regex each, over turns; then how rare each customer word is in the corpus, and
    # the words of the customer messages told to the bot and to an agent, and which messages to an
    # agent restate what the bot was told
    for name in (
        "identifier_hits",
        "ask_candidates",
        "word_rarity",
        "customer_words",
        "restatements",
    ):
        engine.materialize(name, query("support", name), params, temp=True)
    _per_kind(
        engine,
        "identifier_values",
        "identifier_values",
        list(zip(params["identifier_kinds"], params["identifier_patterns"], strict=True)),
        params,
        "conversation_id VARCHAR, seq BIGINT, text VARCHAR, kind VARCHAR, raw_value VARCHAR",
    )
    _per_kind(
        engine,
        "kind_asks",
        "kind_asks",
        list(zip(params["ask_kinds"], params["ask_patterns"], strict=True)),
        params,
        "conversation_id VARCHAR, seq BIGINT, kind VARCHAR",
    )


def run_detectors(target: Engine | duckdb.DuckDBPyConnection, config: Config) -> None:
    """Replace `friction_flags` with what every detector finds now."""
    engine = as_engine(target)
    params = config.sql_params()
    prepare_support(engine, params)
    engine.clear("friction_flags")
    for q in queries_in("detectors"):
        engine.append("friction_flags", q, params, FLAG_COLUMNS)
    for table in SUPPORT_TABLES:
        engine.drop(table)
