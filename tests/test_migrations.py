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
# The same release's database after loading the files of its `input/` folder, whose records carry
# no message_id (so the release derived them, by its rule): 108 events of 111 records, three taken
# for duplicates (two transfers in the same second to different queues, two agents saying "Hello",
# and one real repeat).
V1_DERIVED = FIXTURES / "schema_v1_derived_ids"
V1_INPUT = sorted((V1_DERIVED / "input").iterdir())


def _v1_database(path: Path, export: Path = V1) -> Path:
    con = duckdb.connect(str(path))
    con.execute((export / "schema.sql").read_text(encoding="utf-8"))
    con.execute(
        (export / "load.sql").read_text(encoding="utf-8").replace(f"'{export.name}/", f"'{export}/")
    )
    con.close()
    return path


def _counts_add_up(con: duckdb.DuckDBPyConnection) -> None:
    """Every load's read = loaded + duplicates + rejected, and the events are the loads' sum."""
    bad = con.execute(
        "SELECT count(*) FROM loads WHERE records_read <> loaded + duplicates + rejected"
    ).fetchone()
    assert bad == (0,)
    events, loaded = con.execute(
        "SELECT (SELECT count(*) FROM events), (SELECT sum(loaded) FROM loads)"
    ).fetchone() or (None, None)
    assert events == loaded


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


def _by_file(summary: analyzer.LoadSummary) -> dict[str, tuple[int, int, int, int]]:
    return {Path(f.path).name: (f.read, f.loaded, f.duplicates, f.rejected) for f in summary.files}


def test_reloading_after_an_upgrade_finds_the_derived_ids_as_duplicates(tmp_path: Path) -> None:
    path = _v1_database(tmp_path / "v1.duckdb", V1_DERIVED)
    with analyzer.open_database(path) as db:
        meta = dict(db.con.execute("SELECT key, value FROM meta").fetchall())
        assert meta["message_ids_rederived"] == "108"  # every stored event had a derived id
        assert meta["message_ids_merged"] == "0"
        assert db.con.execute("SELECT count(*) FROM events").fetchone() == (108,)
        _counts_add_up(db.con)

        first = db.load(V1_INPUT)
        # Nothing the release stored is loaded again. The two records it had taken for
        # duplicates of another (same second, different queue or agent) load now, as they would
        # into a new database; the real repeat stays a duplicate.
        assert _by_file(first) == {
            "records.csv": (3, 0, 3, 0),
            "records.jsonl": (102, 0, 102, 0),
            "same_second.jsonl": (6, 2, 4, 0),
        }
        again = db.load(V1_INPUT)
        assert (again.loaded, again.duplicates) == (0, 111)
        assert db.con.execute("SELECT count(*) FROM events").fetchone() == (110,)
        _counts_add_up(db.con)
        out = db.report(tmp_path / "report.html", since="2026-09-01", until="2026-11-01")
        assert out.stat().st_size > 10_000

    # The upgraded database now holds what this release loads from the same files.
    with analyzer.open_database(tmp_path / "new.duckdb") as new:
        new.load(V1_INPUT)
        fresh = new.con.execute(
            "SELECT conversation_id, message_id FROM events ORDER BY ALL"
        ).fetchall()
    with analyzer.open_database(path, read_only=True) as db:
        upgraded = db.con.execute(
            "SELECT conversation_id, message_id FROM events ORDER BY ALL"
        ).fetchall()
    assert upgraded == fresh


def test_given_message_ids_are_kept(tmp_path: Path) -> None:
    path = _v1_database(tmp_path / "v1.duckdb")
    before = duckdb.connect(str(path))
    ids = before.execute("SELECT message_id FROM events ORDER BY ALL").fetchall()
    before.close()
    with analyzer.open_database(path) as db:
        assert db.con.execute("SELECT message_id FROM events ORDER BY ALL").fetchall() == ids
        meta = dict(db.con.execute("SELECT key, value FROM meta").fetchall())
        assert meta["message_ids_rederived"] == "0"
        assert db.load([SAMPLE_LOGS / "2026-W39.jsonl"]).loaded == 1139 - 300


def test_two_events_that_get_one_id_are_merged_and_counted_as_duplicates(
    tmp_path: Path,
) -> None:
    # An event loaded later whose given id is the id this release derives for an earlier one:
    # after the upgrade both have one key, so the later one is what a load would call a duplicate.
    with analyzer.open_database(tmp_path / "new.duckdb") as new:
        new.load([V1_DERIVED / "input" / "records.csv"])
        row = new.con.execute(
            "SELECT conversation_id, message_id FROM events WHERE record_no = 2"
        ).fetchone()
    assert row is not None
    conversation, new_id = row
    path = _v1_database(tmp_path / "v1.duckdb", V1_DERIVED)
    con = duckdb.connect(str(path))
    con.execute(
        """
        INSERT INTO events BY NAME
        SELECT conversation_id, $id AS message_id, "timestamp", role, 'a later record' AS text,
               event, 'later.jsonl' AS source_file, source_format, 1 AS record_no,
               loaded_at + INTERVAL 1 DAY AS loaded_at
        FROM events WHERE conversation_id = $c AND record_no = 2 AND source_file = 'records.csv'
        """,
        {"id": new_id, "c": conversation},
    )
    con.execute(
        "INSERT INTO loads SELECT 2, 'later.jsonl', 'jsonl', 10, NULL, 1, 1, 0, 0, "
        "loaded_at + INTERVAL 1 DAY FROM loads WHERE source_file = 'records.csv'"
    )
    con.close()
    with analyzer.open_database(path) as db:
        meta = dict(db.con.execute("SELECT key, value FROM meta").fetchall())
        assert meta["message_ids_merged"] == "1"
        kept = db.con.execute(
            "SELECT source_file, text FROM events WHERE conversation_id = $c AND message_id = $id",
            {"c": conversation, "id": new_id},
        ).fetchall()
        assert kept == [("records.csv", "hello, there")]  # the first loaded
        later = db.con.execute(
            "SELECT records_read, loaded, duplicates FROM loads WHERE source_file = 'later.jsonl'"
        ).fetchall()
        assert later == [(1, 0, 1)]
        _counts_add_up(db.con)
        assert "derived_definitions" not in meta  # the next load rebuilds the derived tables
        assert "full rebuild" in db.load(V1_INPUT).refresh
        _counts_add_up(db.con)
