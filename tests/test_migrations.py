"""Schema versions: an older database is upgraded on open, a newer one is refused."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import analyzer
from analyzer import migrations
from analyzer.errors import DatabaseError
from analyzer.sql import Query
from tests.support import FIXTURES, SAMPLE_LOGS

# `EXPORT DATABASE` of a database written by the previous release (schema version 1): 300 events
# of sample_logs/2026-W39.jsonl loaded, with that release's derived tables.
V1 = FIXTURES / "schema_v1"


def _v1_database(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute((V1 / "schema.sql").read_text(encoding="utf-8"))
    con.execute((V1 / "load.sql").read_text(encoding="utf-8").replace("'schema_v1/", f"'{V1}/"))
    con.close()
    return path


def _columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    return [
        (str(t), str(c), str(k))
        for t, c, k in con.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = 'main' "
            "AND table_name NOT IN ('turns', 'conversations') ORDER BY ALL"
        ).fetchall()
    ]


def test_a_previous_release_database_opens_loads_and_reports(tmp_path: Path) -> None:
    path = _v1_database(tmp_path / "v1.duckdb")
    with analyzer.open_database(path, read_only=True) as db:  # upgraded even for reading
        assert db.con.execute("SELECT count(*) FROM conversations").fetchone() == (34,)
        version = db.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        assert version == (str(migrations.latest()),)
    with analyzer.open_database(path) as db:
        applied = db.con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
        assert [v for (v,) in applied] == list(range(2, migrations.latest() + 1))
        summary = db.load([SAMPLE_LOGS / "2026-W40.jsonl"])
        assert summary.loaded > 0
        assert "full rebuild" in summary.refresh  # its derived tables carry no fingerprint
        out = db.report(tmp_path / "report.html", since="2026-09-01", until="2026-11-01")
        assert out.stat().st_size > 10_000
        assert db.con.execute("SELECT count(*) FROM events").fetchone() == (300 + summary.loaded,)


def test_an_upgraded_database_has_the_schema_of_a_new_one(tmp_path: Path) -> None:
    path = _v1_database(tmp_path / "v1.duckdb")
    with (
        analyzer.open_database(path) as old,
        analyzer.open_database(tmp_path / "new.duckdb") as new,
    ):
        assert _columns(old.con) == _columns(new.con)


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.duckdb"
    analyzer.open_database(path).close()
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    con.close()
    for read_only in (False, True):
        with pytest.raises(DatabaseError, match="schema version 999, newer than") as info:
            analyzer.open_database(path, read_only=read_only)
        assert "upgrade handoff-analyzer" in str(info.value.hint)


def test_a_failed_migration_leaves_the_database_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _v1_database(tmp_path / "v1.duckdb")
    broken = migrations.Migration(
        migrations.latest() + 1,
        Query("9999_broken", "", (), "ALTER TABLE nowhere ADD COLUMN x INT;", V1),
    )
    shipped = migrations.migrations
    monkeypatch.setattr(migrations, "migrations", lambda: [*shipped(), broken])
    with pytest.raises(DatabaseError, match="the database is unchanged"):
        analyzer.open_database(path)
    con = duckdb.connect(str(path))
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("1",)
    tables = {t for (t,) in con.execute("SHOW TABLES").fetchall()}
    assert "schema_migrations" not in tables
    con.close()
