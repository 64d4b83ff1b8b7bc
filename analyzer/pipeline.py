"""Derived tables. Each step writes its own table and reads only the tables of earlier steps:

    events -> turns -> statistics (queries/statistics/) -> conversation_outcomes
           -> support tables -> friction_flags (every detector, one union), rarity_reads
           -> conversation_rows (each conversation's own columns) -> across_conversations
           -> conversations

`turns`, the statistics, `friction_flags`, `rarity_reads` and `conversations` are stored (Spark
keeps no `rarity_reads`: it never refreshes in part); the rest are working tables dropped at the
end. Every step but two is about one conversation at a time. The two that
are not: the statistics (sums over conversations) and `across_conversations` (recontacts and the
CSAT scale, windows over every conversation's row, not its messages).

Three ways to run the same queries:

- `derive`: a full rebuild over every event in one pass, on any engine (Spark runs only this one).
- `refresh` (DuckDB): the same, in batches of conversations when the history is large, so that
  memory stays within the configured limit at any size. Batch by batch, a temp view `events`
  holds the batch's events and each step's result is written to the stored table; the statistics
  are summed over the batches before any detector reads them; `across_conversations` runs once
  over all conversations at the end.
- `refresh_after_load` (DuckDB): only the conversations a load touched, named in a scope table.
  Inside the caller's transaction, temp objects with the stored tables' names shadow them (DuckDB
  resolves an unqualified name in the temp schema first): a view `events` with the scope's events,
  then each step's result as a temp table. So every query, unchanged, reads only the scope. Then
  the scope's rows of each stored table are replaced by the temp table's rows, each statistic is
  adjusted by the scope's contribution after minus before, and `across_conversations` runs over
  every conversation of the scope's customers (over all of them when the load changed the CSAT
  scale), updating the rows it changes. When the statistics' new values change a word's class
  (rare, scarce: queries/support/word_rarity.sql), the stored conversations that `rarity_reads`
  lists with that word join the scope before the detectors run: with their stored turns, which
  do not depend on the statistics. So a scoped refresh gives what a full rebuild would.

A load falls back to a full rebuild when the definitions (the SQL files and DEFINITIONS_VERSION)
or the configuration the queries read have changed since the derived tables were built: both
fingerprints are kept in `meta`.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from analyzer.config import Config
from analyzer.detect import build_flags, drop_support, prepare_support
from analyzer.engine import DuckDBEngine, Engine, body
from analyzer.sql import Query, bind, queries_in, query

# Raise when the Python side of the derivation changes; the SQL files are fingerprinted as written.
DEFINITIONS_VERSION = "4"  # 4: a change of a word's class judges its readers again
STORED = ("turns", "friction_flags", "rarity_reads", "conversations")
SCOPE = "refresh_scope"  # temp table of conversation ids: what a scoped refresh rebuilds
# A scope holding more than this share of the stored conversations is rebuilt in full (cheaper).
FULL_REBUILD_SHARE = 0.5
# A full rebuild on DuckDB derives at most about this many events at a time: one batch of this
# size stays within the default memory_limit (1GB), where ten million events at once do not.
BATCH_EVENTS = 2_000_000
# Told what a refresh is doing, before each long step (the CLI shows it on a terminal).
OnStep = Callable[[str], None] | None


def statistic_queries() -> list[Query]:
    """The corpus statistics: `queries/statistics/*.sql` (see docs/incremental.md)."""
    return queries_in("statistics")


def definitions() -> list[Query]:
    """Every query the derived tables are built from, in order."""
    return [
        query("views", "turns"),
        *statistic_queries(),
        query("views", "conversation_outcomes"),
        *queries_in("support"),
        *queries_in("detectors"),
        query("views", "rarity_reads"),
        query("views", "conversations_flagged"),
        query("views", "across_conversations"),
        query("views", "conversations"),
    ]


def definitions_fingerprint() -> str:
    digest = hashlib.sha256(DEFINITIONS_VERSION.encode())
    for q in definitions():
        digest.update(q.name.encode() + b"\0" + q.sql.encode() + b"\0")
    return digest.hexdigest()


def config_fingerprint(config: Config) -> str:
    """A digest of the configuration values the derived tables' queries read (and no others)."""
    params = config.sql_params()
    used = sorted({p for q in definitions() for p in q.params} | _SUPPORT_PARAMS)
    values = {p: params.get(p) for p in used}
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


# Read by analyzer.detect in Python (one statement per configured kind), not declared by a query.
_SUPPORT_PARAMS = {"identifier_kinds", "identifier_patterns", "ask_kinds", "ask_patterns"}


def _after_turns(engine: Engine, params: dict[str, Any], *, temp: bool) -> None:
    """From `turns` and the statistics to `friction_flags` and `conversation_rows` (temp)."""
    engine.materialize(
        "conversation_outcomes", query("views", "conversation_outcomes"), params, temp=True
    )
    prepare_support(engine, params)
    build_flags(engine, params, temp=temp)
    if engine.name != "spark":  # only a DuckDB database is refreshed in part (see the docstring)
        engine.materialize("rarity_reads", query("views", "rarity_reads"), params, temp=temp)
    drop_support(engine)
    engine.materialize(
        "conversation_rows", query("views", "conversations_flagged"), params, temp=True
    )
    engine.drop("conversation_outcomes")


def _conversations(engine: Engine, params: dict[str, Any]) -> None:
    """The stored `conversations` from every row of `conversation_rows`."""
    engine.materialize(
        "across_conversations", query("views", "across_conversations"), params, temp=True
    )
    engine.materialize("conversations", query("views", "conversations"), params)
    engine.drop("across_conversations")
    engine.drop("conversation_rows")


@dataclass(frozen=True)
class Refresh:
    """How a load brought the derived tables up to date."""

    mode: str  # "scoped" (only the conversations in the scope), "full", or "none" (nothing new)
    conversations: int  # conversations derived again
    reason: str = ""  # why a load rebuilt everything
    judged_again: int = 0  # of a scoped refresh's conversations: untouched, judged again

    def __str__(self) -> str:
        if self.mode == "none":
            return "derived tables unchanged (no new records)"
        what = f"{self.conversations:,} conversation(s) derived again"
        if self.mode == "full":
            return (
                f"full rebuild, {what} ({self.reason})" if self.reason else f"full rebuild, {what}"
            )
        if self.judged_again:
            return (
                f"{what} ({self.judged_again:,} of them judged again: the new records changed "
                "which of their words are rare)"
            )
        return what


def derive(engine: Engine, config: Config) -> None:
    """Build every derived table from all of `events` in one pass (any engine)."""
    params = config.sql_params()
    engine.materialize("turns", query("views", "turns"), params)
    for stat in statistic_queries():
        engine.materialize(stat.name, stat, params)
    _after_turns(engine, params, temp=False)
    _conversations(engine, params)


def refresh(
    engine: DuckDBEngine, config: Config, reason: str = "", on_step: OnStep = None
) -> Refresh:
    """Rebuild every derived table from all of `events`, inside the caller's transaction."""
    batches = _batches(engine)
    if len(batches) > 1:
        _derive_in_batches(engine, config, batches, on_step)
    else:
        if on_step:
            on_step("deriving every conversation")
        derive(engine, config)
    _record(engine, config)
    engine.con.execute(f"DROP TABLE IF EXISTS {SCOPE}")  # nothing is left to refresh
    return Refresh("full", _count(engine, "SELECT count(*) FROM conversations"), reason)


def refresh_after_load(engine: DuckDBEngine, config: Config, on_step: OnStep = None) -> Refresh:
    """Refresh what the load just made stale, inside the caller's transaction.

    The load leaves the ids of the conversations it added events to in the temp table
    `refresh_scope`; only those are derived again (with the stored conversations whose flags
    read a word whose class the load changed), unless the definitions or the configuration
    changed since the last refresh, or the scope holds most conversations: then all are.
    """
    con = engine.con
    con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {SCOPE} (conversation_id VARCHAR NOT NULL)")
    # No try/finally: after a failed statement the transaction only accepts ROLLBACK, which also
    # discards the scope table the load made.
    reason = _stale(engine, config)
    scoped = _count(engine, f"SELECT count(*) FROM {SCOPE}")
    conversations = _stored(engine, "conversations")
    stored = 0 if reason else _count(engine, f"SELECT count(*) FROM {conversations}")
    if not reason and scoped > FULL_REBUILD_SHARE * stored:
        reason = "the new records touch most conversations"
    if reason:
        return refresh(engine, config, reason, on_step)
    if scoped and on_step:
        on_step(f"deriving {scoped:,} touched conversation(s)")
    judged_again = _refresh_scope(engine, config) if scoped else 0
    con.execute(f"DROP TABLE {SCOPE}")
    if not scoped:
        return Refresh("none", 0)
    return Refresh("scoped", scoped + judged_again, judged_again=judged_again)


def _count(engine: DuckDBEngine, sql: str) -> int:
    row = engine.con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def _stored(engine: DuckDBEngine, table: str) -> str:
    """The stored table's fully qualified name (a temp table of the same name may shadow it)."""
    row = engine.con.execute("SELECT current_database()").fetchone()
    catalog = str(row[0] if row else "memory").replace('"', '""')
    return f'"{catalog}".main.{table}'


def _meta(engine: DuckDBEngine) -> dict[str, str]:
    rows = engine.con.execute(
        "SELECT key, value FROM meta WHERE key IN ('derived_definitions', 'derived_config')"
    ).fetchall()
    return {str(k): str(v) for k, v in rows}


def _stale(engine: DuckDBEngine, config: Config) -> str:
    """Why the stored derived tables cannot be refreshed in part, or "" when they can."""
    meta = _meta(engine)
    tables = {
        str(r[0])
        for r in engine.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'main'"
        ).fetchall()
    }
    if not meta:
        return "first refresh of this database"
    if meta.get("derived_definitions") != definitions_fingerprint():
        return "the definitions changed since the last refresh"
    if meta.get("derived_config") != config_fingerprint(config):
        return "the configuration changed since the last refresh"
    missing = sorted({*STORED, *(s.name for s in statistic_queries())} - tables)
    if missing:
        return f"the derived table {missing[0]} is missing"
    return ""


def _record(engine: DuckDBEngine, config: Config) -> None:
    """After a full rebuild: what it was built from."""
    engine.con.execute(
        "INSERT OR REPLACE INTO meta VALUES ('derived_definitions', $d), ('derived_config', $c)",
        {"d": definitions_fingerprint(), "c": config_fingerprint(config)},
    )


def _literal(value: str) -> str:
    """A SQL string literal (quotes doubled: DuckDB's strings know no other escape)."""
    return "'" + value.replace("'", "''") + "'"


def _refresh_scope(engine: DuckDBEngine, config: Config) -> int:
    """Derive the scope's conversations again; returns how many untouched ones joined it."""
    con = engine.con
    params = config.sql_params()
    stats = statistic_queries()
    in_scope = _in_scope(engine)
    # Before: each statistic's contribution from the scope's rows as they are stored now, and
    # every word's class under the stored statistics.
    _shadow(engine, "turns", in_scope)
    for stat in stats:
        engine.materialize(f"{stat.name}_before", stat, params, temp=True)
    con.execute("DROP VIEW turns")
    engine.materialize("word_rarity_before", query("support", "word_rarity"), params, temp=True)
    _shadow(engine, "events", in_scope)
    engine.materialize("turns", query("views", "turns"), params, temp=True)
    scale = _csat_scale(engine)
    for stat in stats:
        engine.materialize(f"{stat.name}_after", stat, params, temp=True)
        _adjust(engine, stat)
    con.execute("DROP VIEW events")
    judged_again = _judge_again(engine, params)
    if judged_again:
        in_scope = _in_scope(engine)
        # their events did not change, so neither did their turns nor their share of a statistic
        con.execute(
            "INSERT INTO turns BY NAME SELECT * FROM "
            f"(SELECT * FROM {_stored(engine, 'turns')} {in_scope}) "
            "ANTI JOIN turns USING (conversation_id)"
        )
    _after_turns(engine, params, temp=True)
    conversations = _stored(engine, "conversations")
    # the customers whose conversations' recontacts the scope can change: its own, before and after
    con.execute(
        "CREATE OR REPLACE TEMP TABLE scope_customers AS SELECT customer_id "
        f"FROM {conversations} {in_scope} AND customer_id IS NOT NULL "
        "UNION SELECT customer_id FROM conversation_rows WHERE customer_id IS NOT NULL"
    )
    for table in STORED:
        con.execute(f"DELETE FROM {_stored(engine, table)} {in_scope}")
    _store(engine, "turns", "turns", first=False)
    _store(engine, "friction_flags", "friction_flags", first=False)
    _store(engine, "rarity_reads", "rarity_reads", first=False)
    _store(engine, "conversation_rows", "conversations", first=False)
    # a score above 5 that is the first (or was the last) puts every score on another scale
    whole = _csat_scale(engine) != scale
    _update_across(
        engine,
        params,
        "" if whole else f"{in_scope} OR customer_id IN (SELECT customer_id FROM scope_customers)",
    )
    con.execute("DROP TABLE scope_customers")
    return judged_again


def _in_scope(engine: DuckDBEngine) -> str:
    """The WHERE clause keeping a stored table's rows of the scope's conversations.

    The scope's smallest and largest ids bound every read of a stored table as constants, so
    DuckDB skips the row groups outside them (a week's new conversations are the newest rows)
    instead of reading every row's text before the join drops it.
    """
    row = engine.con.execute(
        f"SELECT min(conversation_id), max(conversation_id) FROM {SCOPE}"
    ).fetchone()
    lo, hi = (_literal(str(v)) for v in (row or ("", "")))
    return (
        f"WHERE conversation_id BETWEEN {lo} AND {hi} "
        f"AND conversation_id IN (SELECT conversation_id FROM {SCOPE})"
    )


def _judge_again(engine: DuckDBEngine, params: dict[str, Any]) -> int:
    """Add to the scope the stored conversations whose flags read a word whose class the
    adjusted statistics changed (a word rare last week may be common now); returns how many.

    A word's class is what word_rarity.sql says under the statistics before the load
    (`word_rarity_before`, dropped here) and after; a word missing from one side is in no
    customer's message there, which the query's readers take as rare and scarce.
    """
    con = engine.con
    engine.materialize("word_rarity_after", query("support", "word_rarity"), params, temp=True)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE changed_words AS
        SELECT coalesce(b.word, a.word) AS word
        FROM word_rarity_before b
        FULL JOIN word_rarity_after a ON a.word = b.word
        WHERE coalesce(b.rare, true) <> coalesce(a.rare, true)
           OR coalesce(b.scarce, true) <> coalesce(a.scarce, true)
        """
    )
    con.execute("DROP TABLE word_rarity_before")
    con.execute("DROP TABLE word_rarity_after")
    row = con.execute(
        f"""
        INSERT INTO {SCOPE}
        SELECT DISTINCT conversation_id FROM {_stored(engine, "rarity_reads")}
        SEMI JOIN changed_words USING (word)
        EXCEPT SELECT conversation_id FROM {SCOPE}
        """
    ).fetchone()  # an INSERT returns the number of rows it inserted
    con.execute("DROP TABLE changed_words")
    return int(row[0]) if row else 0


def _csat_scale(engine: DuckDBEngine) -> bool:
    """Whether the data's scores are read on 0-10 (the stored statistic csat_above_five)."""
    stored = _stored(engine, "csat_above_five")
    return _count(engine, f"SELECT coalesce(sum(conversations), 0) FROM {stored}") > 0


def _shadow(engine: DuckDBEngine, table: str, where: str) -> None:
    """A temp view with the stored table's name holding only the rows `where` keeps."""
    engine.con.execute(
        f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM {_stored(engine, table)} {where}"
    )


def _store(engine: DuckDBEngine, temp: str, table: str, *, first: bool) -> None:
    """Move the temp table `temp` into the stored `table`: replacing it (`first`) or appended."""
    _move(engine, f"temp.main.{temp}", _stored(engine, table), first=first)


def _move(
    engine: DuckDBEngine, source: str, target: str, *, first: bool, temp: bool = False
) -> None:
    """Rows of table `source` into `target` (created as a copy when `first`); `source` is dropped."""
    if first:
        kind = "TEMP TABLE" if temp else "TABLE"
        engine.con.execute(f"CREATE OR REPLACE {kind} {target} AS SELECT * FROM {source}")
    else:
        engine.con.execute(f"INSERT INTO {target} BY NAME SELECT * FROM {source}")
    engine.con.execute(f"DROP TABLE {source}")


def _update_across(engine: DuckDBEngine, params: dict[str, Any], where: str = "") -> None:
    """Bring the stored conversations' cross-conversation columns up to date.

    `across_conversations` runs over the stored conversations `where` keeps (all of them by
    default; after a scoped refresh, every conversation of the scope's customers, which is all a
    recontact depends on), and only the rows whose value changed are written: the new
    conversation of a returning customer makes their previous one a recontact.
    """
    con = engine.con
    stored = _stored(engine, "conversations")
    con.execute(f"CREATE OR REPLACE TEMP VIEW conversation_rows AS SELECT * FROM {stored} {where}")
    engine.materialize(
        "across_conversations", query("views", "across_conversations"), params, temp=True
    )
    con.execute("DROP VIEW conversation_rows")
    con.execute(
        f"""
        UPDATE {stored} AS c
        SET csat_score = a.csat_score, recontacted = a.recontacted
        FROM across_conversations a
        WHERE c.conversation_id = a.conversation_id
          AND (c.csat_score IS DISTINCT FROM a.csat_score
               OR c.recontacted IS DISTINCT FROM a.recontacted)
        """
    )
    con.execute("DROP TABLE across_conversations")


def _batches(engine: DuckDBEngine) -> list[tuple[str, str]]:
    """Ranges of conversation ids holding about BATCH_EVENTS events each; [] for one batch."""
    events = _stored(engine, "events")
    count = _count(engine, f"SELECT count(*) FROM {events}")
    n = math.ceil(count / BATCH_EVENTS)
    if n <= 1:
        return []
    rows = engine.con.execute(
        f"""
        SELECT min(conversation_id), max(conversation_id)
        FROM (SELECT conversation_id, ntile({n}) OVER (ORDER BY conversation_id) AS batch
              FROM (SELECT DISTINCT conversation_id FROM {events}))
        GROUP BY batch
        ORDER BY 1
        """
    ).fetchall()
    return [(str(lo), str(hi)) for lo, hi in rows]


def _derive_in_batches(
    engine: DuckDBEngine, config: Config, batches: list[tuple[str, str]], on_step: OnStep = None
) -> None:
    """`derive`, one range of conversations at a time (see the module docstring)."""
    con = engine.con
    params = config.sql_params()
    stats = statistic_queries()
    ranges = [
        f"WHERE conversation_id BETWEEN {_literal(lo)} AND {_literal(hi)}" for lo, hi in batches
    ]
    # Pass 1: turns, written straight to the stored table, and each batch's share of every
    # statistic, read from the batch's stored turns (the batches are disjoint ranges written one
    # after the other, so DuckDB skips the other batches' row groups).
    turns, turns_query = _stored(engine, "turns"), query("views", "turns")
    for i, where in enumerate(ranges):
        if on_step:
            on_step(f"turns and statistics, batch {i + 1} of {len(ranges)}")
        _shadow(engine, "events", where)
        if i == 0:
            engine.materialize(turns, turns_query, params)
        else:
            con.execute(
                f"INSERT INTO {turns} BY NAME {body(turns_query)}",
                bind(turns_query, params) or None,
            )
        con.execute("DROP VIEW events")
        _shadow(engine, "turns", where)
        for stat in stats:
            engine.materialize(f"{stat.name}_part", stat, params, temp=True)
            _move(engine, f"{stat.name}_part", f"{stat.name}_parts", first=i == 0, temp=True)
        con.execute("DROP VIEW turns")
    for stat in stats:
        _sum_parts(engine, stat)
    # Pass 2: everything per conversation, against the whole corpus's statistics.
    for i, where in enumerate(ranges):
        if on_step:
            on_step(f"outcomes and friction flags, batch {i + 1} of {len(ranges)}")
        _shadow(engine, "turns", where)
        _after_turns(engine, params, temp=True)
        con.execute("DROP VIEW turns")
        _store(engine, "friction_flags", "friction_flags", first=i == 0)
        _store(engine, "rarity_reads", "rarity_reads", first=i == 0)
        if i == 0:
            # the stored table as views/conversations.sql makes it; its cross-conversation
            # columns, first from this batch alone, are brought up to date over all below
            _conversations(engine, params)
        else:
            _store(engine, "conversation_rows", "conversations", first=False)
    if on_step:
        on_step("recontacts across conversations")
    _update_across(engine, params)


def _values(engine: DuckDBEngine, stat: Query, table: str) -> list[str]:
    """The columns of a statistic's `table` that are not its keys: the ones that are summed."""
    columns = [str(c[0]) for c in engine.con.execute(f"DESCRIBE {table}").fetchall()]
    return [c for c in columns if c not in stat.keys]


def _summed(stat: Query, values: list[str], rows: str) -> str:
    """SELECT of the statistic's `values` summed by its keys over the query `rows`."""
    keys = ", ".join(stat.keys)
    sums = ", ".join(f"sum({v}) AS {v}" for v in values)
    return f"SELECT {keys}, {sums} FROM ({rows}) GROUP BY {keys}"


def _sum_parts(engine: DuckDBEngine, stat: Query) -> None:
    """The stored statistic: the batches' shares summed by its keys, in the batches' types."""
    con = engine.con
    parts = f"{stat.name}_parts"
    stored = _stored(engine, stat.name)
    con.execute(f"CREATE OR REPLACE TABLE {stored} AS SELECT * FROM {parts} WHERE false")
    rows = f"SELECT * FROM {parts}"
    con.execute(f"INSERT INTO {stored} BY NAME {_summed(stat, _values(engine, stat, parts), rows)}")
    con.execute(f"DROP TABLE {parts}")


def _adjust(engine: DuckDBEngine, stat: Query) -> None:
    """stored += after - before, by the statistic's keys; rows that reach zero are removed."""
    con = engine.con
    name, keys = stat.name, list(stat.keys)
    values = _values(engine, stat, f"temp.main.{name}_after")
    key_list = ", ".join(keys)
    stored = _stored(engine, name)
    rows = f"""
        SELECT {key_list}, {", ".join(values)} FROM {stored}
        SEMI JOIN (SELECT {key_list} FROM {name}_before UNION SELECT {key_list} FROM {name}_after)
            USING ({key_list})
        UNION ALL SELECT {key_list}, {", ".join(f"-{v}" for v in values)} FROM {name}_before
        UNION ALL SELECT {key_list}, {", ".join(values)} FROM {name}_after
    """
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name}_next AS {_summed(stat, values, rows)}")
    con.execute(
        f"DELETE FROM {stored} s USING (SELECT {key_list} FROM {name}_before "
        f"UNION SELECT {key_list} FROM {name}_after) k "
        f"WHERE {' AND '.join(f's.{k} IS NOT DISTINCT FROM k.{k}' for k in keys)}"
    )
    nonzero = " OR ".join(f"{v} <> 0" for v in values)
    con.execute(f"INSERT INTO {stored} BY NAME SELECT * FROM {name}_next WHERE {nonzero}")
    for suffix in ("before", "after", "next"):
        con.execute(f"DROP TABLE {name}_{suffix}")
