"""Loading: accounting, rejects, idempotency, formats, atomic failure."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest

import analyzer
from analyzer.api import Database
from analyzer.errors import HandoffError, InputFileError
from tests.support import FIXTURES

MIXED = FIXTURES / "mixed.jsonl"


def _counts(db: Database) -> tuple[int, int]:
    events = db.con.execute("select count(*) from events").fetchone()
    rejects = db.con.execute("select count(*) from rejects").fetchone()
    assert events and rejects
    return events[0], rejects[0]


def test_mixed_file_loads_good_records_and_lists_every_bad_one(db: Database) -> None:
    s = db.load([MIXED])
    assert (s.read, s.loaded, s.duplicates, s.rejected) == (12, 6, 0, 6)
    assert s.loaded + s.duplicates + s.rejected == s.read
    rejects = db.con.execute("select record_no, reason from rejects order by 1").fetchall()
    assert [r[0] for r in rejects] == [4, 5, 6, 7, 8, 13]  # physical line numbers
    reasons = " | ".join(r[1] for r in rejects)
    for expected in (
        "not valid JSON",
        "missing required field timestamp",
        "missing required field conversation_id",
        "unparseable timestamp 'yesterday-ish'",
        "unknown role 'wizard'",
        "not a JSON object",
    ):
        assert expected in reasons


def test_reload_adds_nothing_and_counts_still_add_up(db: Database) -> None:
    db.load([MIXED])
    before = _counts(db)
    s = db.load([MIXED])
    assert (s.read, s.loaded, s.duplicates, s.rejected) == (12, 0, 6, 6)
    assert _counts(db) == before  # rejects of a file are replaced, not piled up


def test_duplicates_inside_one_file_are_counted(db: Database, tmp_path: Path) -> None:
    line = {
        "conversation_id": "d",
        "timestamp": "2026-01-05T10:00:00Z",
        "role": "user",
        "text": "hi",
    }
    path = tmp_path / "dupes.jsonl"
    path.write_text("\n".join(json.dumps(line) for _ in range(3)) + "\n")
    s = db.load([path])
    assert (s.read, s.loaded, s.duplicates, s.rejected) == (3, 1, 2, 0)


def test_aliases_epochs_offsets_and_extra_fields(db: Database) -> None:
    db.load([MIXED])
    rows = db.con.execute(
        """select role, strftime("timestamp", '%Y-%m-%d %H:%M:%S'), metadata::varchar from events
           where conversation_id = 'm-3' order by "timestamp" """
    ).fetchall()
    assert [r[0] for r in rows] == [
        "customer",
        "bot",
        "agent",
    ]  # visitor, virtual_agent, representative
    assert rows[0][1] == "2026-03-02 09:00:00"  # epoch seconds
    assert rows[1][1] == "2026-03-02 09:00:05"  # epoch milliseconds
    assert rows[2][1] == "2026-03-02 09:01:20"  # naive time read as UTC
    assert json.loads(rows[0][2]) == {"locale": "en-GB"}  # unknown field kept in metadata


def test_timezone_option_reads_naive_times_in_that_zone(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "tz.jsonl"
    path.write_text(
        json.dumps(
            {
                "conversation_id": "t",
                "timestamp": "2026-07-01 12:00:00",
                "role": "user",
                "text": "x",
            }
        )
        + "\n"
        + json.dumps(
            {
                "conversation_id": "t",
                "timestamp": "2026-07-01T12:00:00+02:00",
                "role": "bot",
                "text": "y",
            }
        )
        + "\n"
    )
    db.load([path], timezone="America/New_York")
    got = db.con.execute(
        """select role, strftime("timestamp", '%H:%M') from events order by role desc"""
    ).fetchall()
    assert got == [("customer", "16:00"), ("bot", "10:00")]  # EDT is UTC-4; explicit offsets win


def test_unknown_timezone_is_a_clear_error(db: Database) -> None:
    with pytest.raises(InputFileError, match="unknown time zone"):
        db.load([MIXED], timezone="Mars/Olympus")


def test_message_id_derived_from_content_dedupes_across_formats(
    db: Database, tmp_path: Path
) -> None:
    recs = [
        {
            "conversation_id": "x",
            "timestamp": "2026-01-05T10:00:00Z",
            "role": "user",
            "text": "hello",
        },
        {
            "conversation_id": "x",
            "timestamp": "2026-01-05T10:00:01Z",
            "role": "bot",
            "text": "hi there",
        },
    ]
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))
    (tmp_path / "b.csv").write_text(
        "conversation_id,timestamp,role,text\n"
        + "".join(
            f'{r["conversation_id"]},{r["timestamp"]},{r["role"]},"{r["text"]}"\n' for r in recs
        )
    )
    first = db.load([tmp_path / "a.jsonl"])
    second = db.load([tmp_path / "b.csv"])
    assert first.loaded == 2 and second.duplicates == 2 and second.loaded == 0


def test_csv_gz_and_parquet_load(db: Database, tmp_path: Path) -> None:
    src = tmp_path / "c.csv"
    src.write_text(
        "conversation_id,timestamp,role,text,channel,csat\n"
        'c1,2026-02-01T10:00:00Z,customer,"hi, I need help",web,\n'
        "c1,2026-02-01T10:00:05Z,bot,Sure,web,5\n"
        'c1,2026-02-01T10:00:09Z,customer,"broken ""quote,web\n'
    )
    gz = tmp_path / "c.csv.gz"
    with gzip.open(gz, "wb") as fh:
        fh.write(src.read_bytes())
    s = db.load([gz])
    assert s.read == s.loaded + s.rejected + s.duplicates
    assert s.loaded == 2 and s.rejected == 1
    meta = db.con.execute("select metadata::varchar from events where role = 'bot'").fetchone()
    assert meta and json.loads(meta[0]) == {"csat": "5"}
    pq = tmp_path / "p.parquet"
    duckdb.sql(
        "copy (select 'p1' conversation_id, '2026-02-02T10:00:00Z' as timestamp, 'user' as role,"
        f" 'parquet hello' as text) to '{pq}' (format parquet)"
    )
    s2 = db.load([pq])
    assert (s2.read, s2.loaded) == (1, 1)


def test_folder_and_glob_discovery_skip_unsupported_files_loudly(
    db: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "logs"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(MIXED, folder / "sub" / "a.jsonl")
    (folder / "notes.txt").write_text("not a transcript")
    s = db.load([folder])
    assert len(s.files) == 1 and s.skipped and s.skipped[0].endswith("notes.txt")
    s2 = db.load([str(folder / "**" / "*.jsonl")])
    assert len(s2.files) == 1 and s2.loaded == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("wrong.csv", "id,when,who\n1,2,3\n", "missing column(s) conversation_id, timestamp, role"),
        ("binary.jsonl", "\x00\x01garbage\nmore garbage\n", "none of its 2 records"),
        ("other.jsonl", '{"a": 1}\n{"b": 2}\n', "none of its 2 records"),
    ],
)
def test_unreadable_file_fails_whole_load_and_changes_nothing(
    db_path: Path, tmp_path: Path, name: str, content: str, message: str
) -> None:
    with analyzer.open_database(db_path) as database:
        database.load([MIXED])
    bad = tmp_path / name
    bad.write_text(content)
    good = tmp_path / "more.jsonl"
    good.write_text(
        json.dumps(
            {
                "conversation_id": "new",
                "timestamp": "2026-01-01T00:00:00Z",
                "role": "user",
                "text": "x",
            }
        )
        + "\n"
    )
    with analyzer.open_database(db_path) as database:
        before = database.con.execute(
            "select (select count(*) from events), (select count(*) from rejects),"
            " (select count(*) from loads), (select count(*) from conversations)"
        ).fetchone()
        with pytest.raises(InputFileError, match=re.escape(message)) as err:
            database.load([good, bad])
        assert str(bad) in str(err.value)
        after = database.con.execute(
            "select (select count(*) from events), (select count(*) from rejects),"
            " (select count(*) from loads), (select count(*) from conversations)"
        ).fetchone()
    assert before == after


def test_memory_limit_from_config(tmp_path: Path) -> None:
    cfg = tmp_path / "handoff.toml"
    cfg.write_text('[engine]\nmemory_limit = "512MB"\n')
    with analyzer.open_database(memory=True, config=cfg) as database:
        limit = database.con.execute("select current_setting('memory_limit')").fetchone()
        spill = database.con.execute("select current_setting('temp_directory')").fetchone()
    assert limit == ("488.2 MiB",)
    assert spill and not spill[0].startswith(str(tmp_path))  # never the working folder
    cfg.write_text('[engine]\nmemory_limit = "lots"\n')
    with pytest.raises(HandoffError, match="not a memory size"):
        analyzer.open_database(memory=True, config=cfg)
