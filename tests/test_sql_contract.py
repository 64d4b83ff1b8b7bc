"""Every .sql file in queries/ keeps the house rules; every detector keeps the flag contract."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
import sqlglot

import analyzer
from analyzer.config import load_config
from analyzer.detect import FLAG_COLUMNS, prepare_support
from analyzer.sql import bind, parse_query, query

QUERIES = Path(__file__).resolve().parent.parent / "queries"
ALL_SQL = sorted(QUERIES.rglob("*.sql"))
DDL = {
    QUERIES / "views" / "schema.sql",
    QUERIES / "report" / "redaction.sql",
    *(QUERIES / "migrations").glob("*.sql"),
    # the importers' table macros (CREATE MACRO ... AS TABLE), run on DuckDB only
    *(QUERIES / "ingest" / "importers").glob("*.sql"),
}
# Written into tables (a table has no order; every reader orders): a sort there only costs time.
MATERIALIZED = {
    QUERIES / "ingest" / "canonical_records.sql",
    QUERIES / "ingest" / "canonical_columns.sql",
    QUERIES / "ingest" / "duplicates.sql",
    QUERIES / "views" / "turns.sql",
    QUERIES / "views" / "conversation_outcomes.sql",
    QUERIES / "views" / "conversations_flagged.sql",
    QUERIES / "views" / "across_conversations.sql",
    QUERIES / "views" / "conversations.sql",
    QUERIES / "views" / "rarity_reads.sql",
    *(QUERIES / "statistics").glob("*.sql"),
    *(QUERIES / "support").glob("*.sql"),
}
PORTABLE = sorted(
    p
    for group in ("detectors", "metrics", "views", "support", "statistics")
    for p in (QUERIES / group).glob("*.sql")
    if p not in DDL
)
DETECTORS = sorted((QUERIES / "detectors").glob("*.sql"))


def _code(sql: str) -> str:
    """The SQL without comments and string literals, for structural checks."""
    no_comments = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return re.sub(r"'(?:[^']|'')*'", "''", no_comments)


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(QUERIES)) for p in paths]


def test_there_is_a_detector_per_flag() -> None:
    assert {p.stem for p in DETECTORS} == {
        "customer_repeated",
        "agent_reasked",
        "missing_transition",
        "misroute",
        "ignored_handoff_request",
        "long_queue_wait",
        "abandoned_in_queue",
        "bot_loop",
        "handoff_failed",
        "ping_pong",
    }


@pytest.mark.parametrize("path", ALL_SQL, ids=_ids(ALL_SQL))
def test_header_names_and_params(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"-- name: {path.stem}", "first line must be -- name: <file stem>"
    assert lines[1].startswith("-- description: ") and len(lines[1]) > 20
    assert lines[2].startswith("-- params:")
    q = parse_query(path)
    assert q.name == path.stem
    assert set(q.params) == q.used_params(), "declared params must equal the $params used"


@pytest.mark.parametrize("path", ALL_SQL, ids=_ids(ALL_SQL))
def test_selects_end_in_order_by_and_stay_deterministic(path: Path) -> None:
    code = _code(path.read_text(encoding="utf-8"))
    assert not re.search(r"\b(now|random|current_timestamp|uuid|gen_random_uuid)\s*\(", code, re.I)
    if path in DDL or path in MATERIALIZED:
        return
    last = re.sub(r"\s+LIMIT\s+.*$", "", code.strip().rstrip(";"), flags=re.I | re.S)
    tail = last[last.upper().rfind("ORDER BY") :] if "ORDER BY" in last.upper() else ""
    assert tail and ")" not in tail.replace("(", ""), "the query must end in an ORDER BY"


@pytest.mark.parametrize("path", PORTABLE, ids=_ids(PORTABLE))
def test_transpiles_to_spark(path: Path) -> None:
    sql = path.read_text(encoding="utf-8").rstrip().rstrip(";")
    out = sqlglot.transpile(
        sql, read="duckdb", write="spark", unsupported_level=sqlglot.ErrorLevel.RAISE
    )
    assert out and out[0].strip()


@pytest.fixture(scope="module")
def empty_db() -> analyzer.Database:
    db = analyzer.open_database(memory=True)
    db.refresh()
    params = load_config().sql_params()
    # the working tables detectors read besides turns
    db.engine.materialize("conversation_outcomes", query("views", "conversation_outcomes"), params)
    prepare_support(db.engine, params)
    return db


@pytest.mark.parametrize("path", DETECTORS, ids=_ids(DETECTORS))
def test_detector_returns_the_contract_columns(path: Path, empty_db: analyzer.Database) -> None:
    q = parse_query(path)
    params = bind(q, load_config().sql_params())
    cur = empty_db.con.execute(q.sql, params or None)
    assert tuple(d[0] for d in cur.description) == FLAG_COLUMNS
    assert f"'{path.stem}' AS flag" in q.sql, "the flag name must be the file stem"


IMPORTER_SQL = sorted((QUERIES / "ingest" / "importers").glob("*.sql"))


@pytest.mark.parametrize("path", IMPORTER_SQL, ids=_ids(IMPORTER_SQL))
def test_importer_sql_defines_its_formats_table_macros(path: Path) -> None:
    """Each statement is a temp table macro named after the format (or a working table it reads);
    together they define cleanly."""
    from analyzer.ingest.platform import DOCUMENTS_DDL
    from analyzer.ingest.registry import FORMATS

    assert path.stem in FORMATS
    statements = [s for s in sqlglot.parse(path.read_text(encoding="utf-8"), read="duckdb") if s]
    for stmt in statements:
        assert isinstance(stmt, sqlglot.exp.Create), stmt.sql()[:60]
        assert stmt.args.get("kind") in {"MACRO", "FUNCTION", "TABLE"}, stmt.sql()[:60]
    tables = [s for s in statements if s.args.get("kind") == "TABLE"]
    assert all("TEMPORARY" in s.sql(dialect="duckdb") for s in tables)
    names = re.findall(r"CREATE OR REPLACE TEMP MACRO (\w+)\(", path.read_text(encoding="utf-8"))
    assert len(names) == len(statements) - len(tables)
    assert all(n.startswith(f"{path.stem}_") for n in names)
    con = duckdb.connect()
    con.execute(DOCUMENTS_DDL)  # the load's working table that formats of many small files read
    con.execute(path.read_text(encoding="utf-8"))
    defined = {r[0] for r in con.execute("SELECT function_name FROM duckdb_functions()").fetchall()}
    assert set(names) <= defined
