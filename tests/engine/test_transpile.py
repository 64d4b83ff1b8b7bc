"""Every query the product runs is written once, in DuckDB SQL, and must transpile to Spark SQL."""

from __future__ import annotations

import re

import pytest

from analyzer.engine.transpile import to_spark
from analyzer.resources import queries_dir
from tests.support import ROOT

# Not run on Spark, so not required to transpile:
# - views/schema.sql is DDL for the DuckDB database file (Spark tables are views of query results;
#   the Spark engine only reads its column types, see analyzer.engine.spark.table_schema);
# - ingest/canonical_records.sql turns raw JSON text into fields with DuckDB's JSON functions
#   (json_valid, json_keys, list comprehensions); on Spark the reader parses the records. Both
#   then apply the schema's rules with the portable ingest/canonical_columns.sql;
# - migrations/*.sql upgrade a DuckDB database file;
# - ingest/importers/*.sql are the platform importers' DuckDB table macros (read_json of an
#   export file); Spark reads only the canonical formats;
# - report/redaction.sql defines a DuckDB macro for the report and the review sheet, which are
#   written from DuckDB (a spark-run's results are opened in DuckDB for the report).
NOT_ON_SPARK = {
    "views/schema.sql",
    "ingest/canonical_records.sql",
    "report/redaction.sql",
    *(
        p.relative_to(queries_dir()).as_posix()
        for group in ("migrations", "ingest/importers")
        for p in (queries_dir() / group).glob("*.sql")
    ),
}

ALL = sorted(p.relative_to(queries_dir()).as_posix() for p in queries_dir().rglob("*.sql"))


@pytest.mark.parametrize("name", [n for n in ALL if n not in NOT_ON_SPARK])
def test_query_transpiles_to_spark(name: str) -> None:
    sql = to_spark((queries_dir() / name).read_text(encoding="utf-8"))
    assert sql.strip()
    code = re.sub(r"'(?:[^']|'')*'|/\*.*?\*/", "''", sql, flags=re.S)
    assert not re.search(r"\$[A-Za-z_]", code)  # every $param became a :param marker


def test_the_exceptions_exist() -> None:
    for name in NOT_ON_SPARK:
        assert (queries_dir() / name).is_file(), name


def test_known_rewrites() -> None:
    assert "PERCENTILE(x, 0.9)" in to_spark("SELECT quantile_cont(x, 0.9) FROM t")
    assert "UNIX_MICROS(a)" in to_spark("SELECT epoch(a) FROM t")
    assert "ORDER BY" not in to_spark("SELECT a FROM t ORDER BY a", drop_order=True)
    assert "SPLIT(s, '[ ]+')" in to_spark("SELECT regexp_split_to_array(s, '[ ]+') FROM t")
    assert "MATERIALIZED" not in to_spark("WITH a AS MATERIALIZED (SELECT 1) SELECT * FROM a")
    zipped = to_spark("SELECT unnest($a) AS k, unnest($b) AS p")
    assert zipped == "SELECT INLINE(ARRAYS_ZIP(:a, :b)) AS (k, p)"


def test_the_schema_rules_live_in_one_query() -> None:
    """Role aliases, events and reject reasons are written once, in canonical_columns.sql.

    Migrations are left out: they read what earlier releases stored (0004 maps their reasons).
    """
    holders = [
        p.relative_to(queries_dir()).as_posix()
        for p in queries_dir().rglob("*.sql")
        if p.parent.name != "migrations"
        and (
            "WHEN role_raw IN" in p.read_text(encoding="utf-8")
            or "unknown role" in p.read_text(encoding="utf-8")
        )
    ]
    assert holders == ["ingest/canonical_columns.sql"]


def test_spark_commands_have_help() -> None:
    from typer.testing import CliRunner

    from analyzer.cli import app

    for command in ("spark-run", "export-canonical"):
        result = CliRunner().invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.stdout, command


def test_the_dedupe_rule_lives_in_one_query() -> None:
    """Both engines dedupe with ingest/duplicates.sql; no module writes the rule again."""
    package = ROOT / "analyzer"
    rule = re.compile(r"PARTITION BY conversation_id, message_id", re.I)
    holders = [
        p.relative_to(package).as_posix()
        for p in package.rglob("*.py")
        if rule.search(p.read_text(encoding="utf-8"))
    ]
    assert holders == []
    sql = [
        p.relative_to(queries_dir()).as_posix()
        for p in queries_dir().rglob("*.sql")
        if rule.search(p.read_text(encoding="utf-8"))
    ]
    assert "ingest/duplicates.sql" in sql


def test_shared_ctes_become_parts_computed_once() -> None:
    """A CTE read twice (or marked MATERIALIZED) is split out; one read once stays inline."""
    import duckdb

    from analyzer.engine.transpile import to_spark_parts

    sql = """
        WITH a AS (SELECT 1 AS x UNION ALL SELECT 2),
             once AS (SELECT x FROM a WHERE x > 1),
             b AS MATERIALIZED (SELECT x FROM a),
             c AS (SELECT b.x FROM b JOIN b AS bb USING (x))
        SELECT c.x, a.x AS y FROM c JOIN a USING (x) JOIN once ON once.x = c.x
    """
    parts = to_spark_parts(sql)
    assert [name for name, _ in parts.shared] == ["_shared_a", "_shared_b"]
    assert "once AS" in parts.main and "_shared_a AS a" in parts.main
    # These parts are plain SQL both engines read: run them on DuckDB, same rows as the whole.
    con = duckdb.connect()
    expected = con.execute(sql).fetchall()
    for name, part in parts.shared:
        con.execute(f"CREATE TEMP TABLE {name} AS {part}")
    assert con.execute(parts.main).fetchall() == expected == [(2, 2)]


@pytest.mark.parametrize("name", [n for n in ALL if n not in NOT_ON_SPARK])
def test_every_query_splits_into_parts_that_transpile(name: str) -> None:
    from analyzer.engine.transpile import to_spark_parts

    parts = to_spark_parts((queries_dir() / name).read_text(encoding="utf-8"))
    for view, part in parts.shared:
        assert view.startswith("_shared_") and part.strip(), (name, view)
        assert view in parts.main or any(view in p for _, p in parts.shared), (name, view)


def test_the_detectors_that_reread_their_ctes_are_split() -> None:
    from analyzer.engine.transpile import to_spark_parts

    for name in ("agent_reasked", "bot_loop", "customer_repeated"):
        sql = (queries_dir() / "detectors" / f"{name}.sql").read_text(encoding="utf-8")
        assert to_spark_parts(sql).shared, name
