"""Reject codes: every reject carries a stable short code beside its reason, one per documented kind."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

import analyzer
from analyzer.api import Database
from analyzer.errors import InputFileError
from analyzer.sql import query
from tests.support import FIXTURES, ROOT

DOC = ROOT / "docs" / "data-contract.md"
GOOD = {"conversation_id": "c", "timestamp": "2026-01-05T10:00:00Z", "role": "user", "text": "hi"}


def _documented() -> set[str]:
    """The codes of the data contract's "Reject codes" table."""
    section = DOC.read_text(encoding="utf-8").split("## Reject codes", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z0-9_]+)` \|", section, re.M))


def _codes(db: Database, name: str) -> list[tuple[int, str]]:
    return [
        (int(n), str(c))
        for n, c in db.con.execute(
            "SELECT record_no, reject_code FROM rejects WHERE source_file LIKE $f ORDER BY 1",
            {"f": f"%{name}"},
        ).fetchall()
    ]


def test_each_kind_of_bad_record_gets_its_code(db: Database, tmp_path: Path) -> None:
    jsonl = tmp_path / "bad.jsonl"
    records = [
        json.dumps(GOOD),
        "{not json",
        "[1, 2]",
        json.dumps({**GOOD, "conversation_id": " "}),
        json.dumps({k: v for k, v in GOOD.items() if k != "timestamp"}),
        json.dumps({**GOOD, "timestamp": "yesterday"}),
        json.dumps({**GOOD, "timestamp": "2401-01-01T00:00:00Z"}),
        json.dumps({k: v for k, v in GOOD.items() if k != "role"}),
        json.dumps({**GOOD, "role": "wizard"}),
        json.dumps({**GOOD, "event": "teleported"}),
    ]
    body = "\n".join(records).encode() + b'\n{"conversation_id": "\xff"}\n'
    jsonl.write_bytes(body)
    csv = tmp_path / "bad.csv"
    csv.write_bytes(
        b"conversation_id,timestamp,role,text\n"
        b"c,2026-01-05T10:00:00Z,user,hi\n"
        b"c,2026-01-05T10:00:01Z,user\n"
        b'c,2026-01-05T10:00:02Z,user,"never closed\n'
    )
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        b"conversation_id,timestamp,role,text\nl,2026-01-05T10:00:00Z,user,hi\n"
        + b"l,2026-01-05T10:00:01Z,user,caf\xe9\n"
    )
    summary = db.load([jsonl, csv, latin])
    assert summary.rejected == 10 + 2 + 1
    assert _codes(db, "bad.jsonl") == [
        (2, "invalid_json"),
        (3, "not_object"),
        (4, "missing_conversation_id"),
        (5, "missing_timestamp"),
        (6, "bad_timestamp"),
        (7, "timestamp_out_of_range"),
        (8, "missing_role"),
        (9, "unknown_role"),
        (10, "unknown_event"),
        (11, "invalid_utf8"),
    ]
    assert _codes(db, "bad.csv") == [(2, "csv_width"), (3, "csv_quote")]
    assert _codes(db, "latin.csv") == [(2, "invalid_encoding")]
    # every stored code is documented, and every reject has one
    stored = {c for (c,) in db.con.execute("SELECT DISTINCT reject_code FROM rejects").fetchall()}
    assert stored <= _documented()
    shown = db.con.execute(query("saved", "rejects_by_reason").sql).fetchall()
    assert [(Path(f).name, code, n, first) for f, code, n, first, _ in shown][:2] == [
        ("bad.csv", "csv_quote", 1, 3),
        ("bad.csv", "csv_width", 1, 2),
    ]
    assert shown[0][4] == "CSV row has an unterminated quote"


def test_an_importers_unreadable_item_is_bad_item(db: Database, tmp_path: Path) -> None:
    transcript = FIXTURES / "botframework" / "handoff.transcript"
    activities = json.loads(transcript.read_text(encoding="utf-8"))
    broken = tmp_path / "broken.transcript"
    broken.write_text(json.dumps([*activities, 7]), encoding="utf-8")
    assert db.load([broken]).rejected == 1
    rows = db.con.execute("SELECT reason, reject_code FROM rejects").fetchall()
    assert rows == [("activity is not a JSON object", "bad_item")]


def test_whole_file_refusal_goes_by_code(db: Database, tmp_path: Path) -> None:
    """Only a file whose every record is not its format at all is refused whole."""
    arrays = tmp_path / "arrays.jsonl"
    arrays.write_text("[1]\n[2]\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="none of its 2 records can be read as jsonl"):
        db.load([arrays])
    times = tmp_path / "times.jsonl"
    times.write_text(json.dumps({**GOOD, "timestamp": "soon"}) + "\n", encoding="utf-8")
    assert db.load([times]).rejected == 1  # a canonical record with a bad value is a reject
    assert _codes(db, "times.jsonl") == [(1, "bad_timestamp")]


def test_upgrade_gives_old_rejects_their_codes(tmp_path: Path) -> None:
    v1 = FIXTURES / "schema_v1"
    path = tmp_path / "v1.duckdb"
    con = duckdb.connect(str(path))
    con.execute((v1 / "schema.sql").read_text(encoding="utf-8"))
    con.execute((v1 / "load.sql").read_text(encoding="utf-8").replace("'schema_v1/", f"'{v1}/"))
    # reasons as release 0.1.0 wrote them
    old = [
        ("not valid JSON", "invalid_json"),
        ("not a JSON object", "not_object"),
        ("missing required field conversation_id", "missing_conversation_id"),
        ("missing required field timestamp", "missing_timestamp"),
        ("missing required field role", "missing_role"),
        ("unparseable timestamp 'soon' (use ISO-8601 ...)", "bad_timestamp"),
        ("unknown role 'wizard' (use customer, bot, agent or system ...)", "unknown_role"),
        ("unknown event 'x' (use message, ...)", "unknown_event"),
        ("CSV row cannot be parsed: Expected Number of Columns: 4 Found: 3", "csv_row"),
        ("activity is not a JSON object", "bad_item"),
        ("something a later release may say", "other"),
    ]
    con.executemany(
        "INSERT INTO rejects VALUES ('old.jsonl', 'jsonl', ?, ?, NULL, TIMESTAMP '2026-01-01')",
        [(i, reason) for i, (reason, _) in enumerate(old, start=1)],
    )
    con.close()
    with analyzer.open_database(path) as db:
        got = db.con.execute("SELECT reject_code FROM rejects ORDER BY record_no").fetchall()
        assert [c for (c,) in got] == [code for _, code in old]
    assert {code for _, code in old} <= _documented()
