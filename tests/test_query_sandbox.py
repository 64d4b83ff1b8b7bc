"""`handoff query` cannot write, read files or undo its guards, whatever the statement type."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

import analyzer
from analyzer.errors import QueryError
from analyzer.query import saved_queries
from tests.support import FIXTURES
from tests.support.cli import invoke


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    path = tmp_path / "handoff.duckdb"
    with analyzer.open_database(path) as db:
        db.load([FIXTURES / "outcomes.jsonl"])
    return path


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """Another handoff database on the same machine, which a query must never touch."""
    path = tmp_path / "other.duckdb"
    with analyzer.open_database(path) as db:
        db.load([FIXTURES / "outcomes.jsonl"])
    return path


def _counts(path: Path) -> tuple[int, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        events = con.execute("SELECT count(*) FROM events").fetchone()
        tables = con.execute("SELECT count(*) FROM duckdb_tables()").fetchone()
    assert events and tables
    return int(events[0]), int(tables[0])


def _bypasses(tmp: Path, victim: Path) -> list[str]:
    """Every way out we know of: statement types the check passes, and file access inside SELECT."""
    dump = tmp / "dump"
    dump.mkdir()
    (dump / "schema.sql").write_text(
        f"ATTACH '{victim}' AS v; DROP TABLE v.events;\n", encoding="utf-8"
    )
    (dump / "load.sql").write_text("", encoding="utf-8")
    out = tmp / "stolen.csv"
    return [
        f"EXPLAIN ANALYZE COPY events TO '{out}'",
        f"EXPLAIN ANALYZE COPY (SELECT * FROM events) TO '{out}' (FORMAT csv)",
        f"EXPLAIN COPY events TO '{out}'",
        f"COPY events TO '{out}'",
        f"IMPORT DATABASE '{dump}'",
        f"EXPORT DATABASE '{tmp / 'export'}'",
        f"ATTACH '{victim}' AS v",
        f"ATTACH '{tmp / 'new.duckdb'}' AS n",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM '/etc/passwd'",
        "SELECT * FROM glob('/etc/*')",
        f"SELECT * FROM read_parquet('{tmp}/*.parquet')",
        f"SELECT count(*) FROM '{victim}'",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SELECT * FROM read_csv('https://example.com/x.csv')",
        "SET enable_external_access = true",
        "RESET enable_external_access",
        "SET lock_configuration = false",
        "SET autoinstall_known_extensions = true",
        "PRAGMA enable_profiling",
        "SET allowed_directories = ['/']",
        f"SET profiling_output = '{out}'",
        "CALL pragma_version(); DROP TABLE events",
        "DROP TABLE events",
    ]


def test_every_bypass_is_refused_by_the_cli(loaded: Path, victim: Path, tmp_path: Path) -> None:
    before, other = _counts(loaded), _counts(victim)
    for sql in [*_bypasses(tmp_path, victim), "CHECKPOINT", "USE memory"]:
        code, _, err = invoke("query", sql, "--db", str(loaded))
        assert code == 1 and err.startswith("Error: "), (sql, err)
        assert "unexpected" not in err, (sql, err)
    assert _counts(loaded) == before and _counts(victim) == other
    assert not (tmp_path / "stolen.csv").exists()
    assert not (tmp_path / "export").exists() and not (tmp_path / "new.duckdb").exists()


def test_the_engine_refuses_what_the_statement_check_would_let_through(
    loaded: Path, victim: Path, tmp_path: Path
) -> None:
    """The guards hold on their own: run each bypass straight on the sandboxed connection."""
    before, other = _counts(loaded), _counts(victim)
    with analyzer.open_database(loaded, sandbox=True) as db:
        for sql in _bypasses(tmp_path, victim):
            with pytest.raises(duckdb.Error):
                db.con.execute(sql).fetchall()
        # Still working afterwards, in UTC as always.
        setting = db.con.execute("SELECT current_setting('TimeZone')").fetchone()
        assert setting == ("UTC",)
    assert _counts(loaded) == before and _counts(victim) == other
    assert not (tmp_path / "stolen.csv").exists()


def test_friendly_errors_name_the_statement(loaded: Path, tmp_path: Path) -> None:
    with analyzer.open_database(loaded, sandbox=True) as db:
        with pytest.raises(QueryError, match="IMPORT statements are not allowed"):
            db.sql(f"IMPORT DATABASE '{tmp_path}'")
        with pytest.raises(QueryError, match="EXPLAIN COPY statements are not allowed"):
            db.sql(f"EXPLAIN ANALYZE COPY events TO '{tmp_path / 'x.csv'}'")
        with pytest.raises(QueryError, match="reads only this database"):
            db.sql("SELECT * FROM read_csv('/etc/passwd')")


def test_reading_still_works(loaded: Path) -> None:
    for sql in (
        "SELECT count(*) AS n FROM events",
        "EXPLAIN SELECT * FROM conversations",
        "EXPLAIN ANALYZE SELECT count(*) FROM turns",
        "SHOW TABLES",
        "DESCRIBE events",
        "SUMMARIZE SELECT outcome FROM conversations",
        "PRAGMA table_info('events')",
        "WITH c AS (SELECT * FROM conversations) SELECT count(*) FROM c",
    ):
        code, _, err = invoke("query", sql, "--db", str(loaded), "-f", "json")
        assert code == 0, (sql, err)


@pytest.mark.parametrize("saved", [q.name for q in saved_queries()])
def test_saved_queries_run_in_the_sandbox(loaded: Path, saved: str) -> None:
    defaults = {"flag": "bot_loop", "timezone": "UTC", "since": "2026-05-01", "until": "2026-06-01"}
    q = next(q for q in saved_queries() if q.name == saved)
    args = [a for p in q.params for a in ("--param", f"{p}={defaults.get(p, '5')}")]
    code, out, err = invoke("query", "--name", saved, "--db", str(loaded), "-f", "json", *args)
    assert code == 0, err
    assert isinstance(json.loads(out), list)
