"""Every hostile case loads with exact counts, keeps its rejects' record numbers, and a reload
changes nothing. Clean cases give the same rows through DuckDB's reader and the line reader."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import analyzer
from analyzer import store
from analyzer.api import Database
from analyzer.errors import InputFileError
from analyzer.ingest import LoadSummary, loader
from tests.hostile.cases import Case, all_cases

CASES = all_cases()


@pytest.fixture
def fresh() -> Iterator[Database]:
    database = analyzer.open_database(memory=True)
    yield database
    database.close()


def _load(db: Database, path: Path, case: Case) -> LoadSummary:
    """The load without the refresh of derived tables (which these cases do not test)."""
    staging = loader.read_files(db.con, [path], db.config, timezone=case.timezone, maps=case.maps)
    with store.transaction(db.con):
        return loader.write_files(db.con, staging)


def _tables(db: Database) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    events = db.con.execute(
        "SELECT * EXCLUDE (loaded_at, source_file) FROM events ORDER BY record_no, message_id"
    ).fetchall()
    rejects = db.con.execute(
        "SELECT record_no, reason, raw FROM rejects ORDER BY record_no"
    ).fetchall()
    # a reject's raw text is the record: compared as JSON when it is JSON (spacing may differ)
    return events, [(n, reason, _as_json(raw)) for n, reason, raw in rejects]


def _as_json(raw: object) -> object:
    try:
        return json.loads(str(raw))
    except ValueError:
        return raw


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 60
    assert len({c.name for c in CASES}) == len(CASES)
    kinds = {c.filename.split(".", 1)[1] for c in CASES}
    assert {"jsonl", "csv", "tsv", "parquet", "jsonl.gz", "csv.gz"} <= kinds


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case, fresh: Database, tmp_path: Path) -> None:
    path = case.write(tmp_path)
    if case.refused or case.name == "gz_truncated":
        with pytest.raises(InputFileError) as err:
            _load(fresh, path, case)
        message = str(err.value)
        assert "\n" not in message and case.refused in message and path.name in message
        assert fresh.con.execute("SELECT count(*) FROM events").fetchone() == (0,)
        return
    s = _load(fresh, path, case)
    assert (s.read, s.loaded, s.duplicates, s.rejected) == case.counts
    rejects = [
        r[0] for r in fresh.con.execute("SELECT record_no FROM rejects ORDER BY 1").fetchall()
    ]
    assert tuple(rejects) == case.reject_nos
    if case.reader:
        assert [f.reader for f in s.files] == [case.reader]
    for key, n in case.notes.items():
        assert getattr(s, key) == n
    if case.check_sql:
        assert fresh.con.execute(case.check_sql).fetchone() == case.expect
    before = _tables(fresh)
    again = _load(fresh, path, case)
    read, loaded, dup, rejected = case.counts
    assert (again.read, again.loaded, again.duplicates, again.rejected) == (
        read,
        0,
        loaded + dup,
        rejected,
    )
    assert _tables(fresh) == before


FAST = [c for c in CASES if not c.refused and c.name != "gz_truncated"]


@pytest.mark.slow
@pytest.mark.parametrize("case", FAST, ids=[c.name for c in FAST])
def test_both_readers_agree(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The line reader, forced, gives the same events and rejects as the reader that ran."""
    path = case.write(tmp_path)
    with analyzer.open_database(memory=True) as first:
        _load(first, path, case)
        expected = _tables(first)
    monkeypatch.setattr(loader, "_try_fast", lambda *a, **k: False)
    with analyzer.open_database(memory=True) as second:
        s = _load(second, path, case)
        if path.suffix != ".parquet":
            assert {f.reader for f in s.files} <= {"lines"}
        assert _tables(second) == expected
