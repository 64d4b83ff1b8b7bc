"""Friction detectors: every `queries/detectors/*.sql` returns offending rows; together they fill `friction_flags`.

Before them, `queries/support/` fills two small tables with one statement per configured
identifier kind and ask kind, so that each of those regexes is a constant the engine compiles once
instead of a pattern column compiled again on every row. The detectors then run as one query, the
union of every file, so the engine writes `friction_flags` once.
"""

from __future__ import annotations

from typing import Any

from analyzer.config import Config
from analyzer.engine import Engine, body
from analyzer.resources import queries_dir
from analyzer.sql import Query, queries_in, query

FLAG_COLUMNS = ("conversation_id", "flag", "message_id", "detail", "score")
_FLAG_TYPES = ("VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "DOUBLE")
# The support tables built from one query file each, in order: the conversations a bot handed to
# a person who wrote (the two phases that four of them compare); one constant regex each over
# turns; then how rare each customer word is in the corpus, and the words of the customer messages
# told to the bot and to an agent, which messages to an agent restate what the bot was told, and
# what the bot's and agents' questions are about; the bot's replies the customer saw; and the
# agent messages written by another agent than the one before; the transfers that moved the
# customer.
_FROM_FILES = (
    "answered_handoffs",
    "identifier_hits",
    "ask_candidates",
    "word_rarity",
    "customer_words",
    "restatements",
    "question_topics",
    "bot_replies",
    "agent_changes",
    "transfers",
)
# ... and those built with one statement per configured kind (`_per_kind`).
_PER_KIND = ("identifier_values", "kind_asks")
SUPPORT_TABLES = _FROM_FILES + _PER_KIND


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
    # one statement per configured pattern, not per row
    steps = [(q, params | {"kind": kind, "pattern": pattern}) for kind, pattern in pairs]
    engine.append(table, steps, names)


def prepare_support(engine: Engine, params: dict[str, Any]) -> None:
    """The working tables the detectors read besides `turns` and `conversation_outcomes`."""
    for name in _FROM_FILES:
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


def drop_support(engine: Engine) -> None:
    for table in SUPPORT_TABLES:
        engine.drop(table)


def detectors_query(detectors: list[Query] | None = None) -> Query:
    """Every detector as one query: the union of their rows, in the flag contract's types."""
    found = queries_in("detectors") if detectors is None else detectors
    columns = ", ".join(
        f"CAST({c} AS {t}) AS {c}" for c, t in zip(FLAG_COLUMNS, _FLAG_TYPES, strict=True)
    )
    parts = [f"SELECT {columns} FROM (\n{body(q)}\n) AS {q.name}" for q in found]
    params = tuple(dict.fromkeys(p for q in found for p in q.params))
    return Query(
        name="detectors",
        description="Every friction detector's rows, as one union.",
        params=params,
        sql="-- name: detectors\n" + "\nUNION ALL\n".join(parts),
        path=queries_dir() / "detectors",
    )


def build_flags(engine: Engine, params: dict[str, Any], *, temp: bool = False) -> None:
    """Write `friction_flags`: on DuckDB one union query; on Spark the union of each detector's
    frame, whose shared intermediates Spark computes first (one SQL text holding every detector
    would be planned with each detector's CTEs inlined wherever they are read)."""
    if engine.name != "spark":
        engine.materialize("friction_flags", detectors_query(), params, temp=temp)
        return
    columns = ", ".join(f"{c} {t}" for c, t in zip(FLAG_COLUMNS, _FLAG_TYPES, strict=True))
    engine.clear("friction_flags", columns)
    engine.append("friction_flags", [(q, params) for q in queries_in("detectors")], FLAG_COLUMNS)


def run_detectors(engine: Engine, config: Config, *, temp: bool = False) -> None:
    """Replace `friction_flags` with what every detector finds in `turns` now."""
    params = config.sql_params()
    prepare_support(engine, params)
    build_flags(engine, params, temp=temp)
    drop_support(engine)
