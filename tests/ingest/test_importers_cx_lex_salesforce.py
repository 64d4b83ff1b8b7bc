"""Dialogflow CX, Amazon Lex V2 and Salesforce importers, and formats staged from `documents`."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

import analyzer
from analyzer.api import Database
from analyzer.errors import InputFileError
from analyzer.ingest.formats import FORMATS, detect_format, read_head
from tests.support import FIXTURES


def _counts(db: Database, sql: str) -> dict[str, int]:
    return dict(db.con.execute(sql).fetchall())


def _order(db: Database, conversation_id: str) -> list[tuple[str, str]]:
    return db.con.execute(
        "select role, event from turns where conversation_id = $c order by seq",
        {"c": conversation_id},
    ).fetchall()


# file, format, records, conversations, handed off, events by kind, message roles
CASES = [
    (
        "dialogflow_cx/interactions.jsonl",
        "dialogflow_cx",
        22,
        3,
        2,
        {
            "message": 16,
            "handoff_requested": 1,
            "handoff_initiated": 2,
            "bot_fallback": 2,
            "conversation_ended": 1,
        },
        {"customer": 7, "bot": 9},
    ),
    (
        "lex_v2/conversation_logs.jsonl",
        "lex_v2",
        23,
        3,
        2,
        {"message": 18, "bot_fallback": 2, "handoff_initiated": 1, "handoff_failed": 1, "other": 1},
        {"customer": 8, "bot": 10},
    ),
    (
        "salesforce/conversation_entries.csv",
        "salesforce",
        17,
        2,
        2,
        {"message": 12, "other": 2, "handoff_initiated": 1, "handoff_failed": 1, "agent_joined": 1},
        {"customer": 5, "bot": 5, "agent": 2},
    ),
    (
        "salesforce/conversation_entries.json",
        "salesforce",
        12,
        1,
        1,
        {"message": 9, "handoff_initiated": 1, "agent_joined": 2},
        {"customer": 4, "bot": 3, "agent": 2},
    ),
]


@pytest.mark.parametrize(("name", "fmt", "loaded", "convs", "handed_off", "events", "roles"), CASES)
def test_fixture_loads_with_exact_counts(
    db: Database,
    name: str,
    fmt: str,
    loaded: int,
    convs: int,
    handed_off: int,
    events: dict[str, int],
    roles: dict[str, int],
) -> None:
    path = FIXTURES / name
    assert detect_format(path).name == fmt
    s = db.load([path])
    assert (s.files[0].format, s.loaded, s.rejected) == (fmt, loaded, 0)
    c = db.conversations()
    assert (len(c), int(c.handed_off.sum())) == (convs, handed_off)
    assert _counts(db, "select event, count(*) from events group by 1") == events
    assert (
        _counts(db, "select role, count(*) from events where event = 'message' group by 1") == roles
    )
    again = db.load([path])
    assert (again.loaded, again.duplicates) == (0, loaded)


def test_each_fixture_is_sniffed_only_by_its_format() -> None:
    # (canonical jsonl and csv go by the file's ending; platform formats are tried first)
    platforms = [f for f in FORMATS.values() if f.name not in ("jsonl", "csv", "parquet")]
    for name, fmt, *_ in CASES:
        path = FIXTURES / name
        head = read_head(path)
        assert [f.name for f in platforms if f.sniff(path, head)] == [fmt], name


def test_canonical_csv_is_not_taken_for_salesforce(tmp_path: Path) -> None:
    canonical = tmp_path / "logs.csv"
    canonical.write_text(
        "conversation_id,timestamp,role,text,event\nc1,2026-01-01T00:00:00Z,"
        "customer,what is your entry type,message\n"
    )
    assert detect_format(canonical).name == "csv"


def test_dialogflow_handoff_queue_context_and_turn_order(db: Database) -> None:
    db.load([FIXTURES / "dialogflow_cx/interactions.jsonl"])
    billing = db.conversations().set_index("conversation_id").loc["9f1c0a77-billing"]
    assert billing.queue == "billing-tier2"
    assert json.loads(str(billing.handoff_context))["reason"] == "duplicate charge"
    # the file's lines are interleaved; turns come back in conversation order
    assert _order(db, "9f1c0a77-billing")[-4:] == [
        ("customer", "message"),
        ("customer", "handoff_requested"),
        ("bot", "message"),
        ("bot", "handoff_initiated"),
    ]
    # request and response written as JSON strings are read the same way
    said, intent = db.con.execute(
        "select text, intent from events where conversation_id = '77aa31-delivery'"
        " and role = 'customer' order by timestamp limit 1"
    ).fetchone()
    assert (said, intent) == ("where's my parcel?", "order.track")
    # speech: the transcript is what the customer said, SSML is stripped from the reply
    voice = [
        r[0]
        for r in db.con.execute(
            "select text from turns where conversation_id = 'c3d9-voice-0412' and event = 'message'"
            " order by seq"
        ).fetchall()
    ]
    assert voice[:2] == ["I need to change my flight", "Sure, what's your booking reference?"]


def test_dialogflow_broken_line_is_one_reject(db: Database, tmp_path: Path) -> None:
    lines = (FIXTURES / "dialogflow_cx/interactions.jsonl").read_text().splitlines()
    export = tmp_path / "bq-export-000000000001.json"
    export.write_text(
        "\n".join([*lines[:3], '{"conversation_name": "projects/p/', *lines[3:]]) + "\n"
    )
    s = db.load([export])
    assert (s.files[0].format, s.loaded, s.rejected) == ("dialogflow_cx", 22, 1)


def test_lex_cloudwatch_export_with_time_stamps(db: Database, tmp_path: Path) -> None:
    lines = (FIXTURES / "lex_v2/conversation_logs.jsonl").read_text().splitlines()
    export = tmp_path / "000000.gz"
    with gzip.open(export, "wt") as fh:
        fh.writelines(f"2026-02-11T17:05:{i:02d}.000Z {line}\n" for i, line in enumerate(lines))
    s = db.load([export])
    assert (s.files[0].format, s.loaded, s.rejected) == ("lex_v2", 23, 0)


def test_lex_handoff_context_and_channels(db: Database) -> None:
    db.load([FIXTURES / "lex_v2/conversation_logs.jsonl"])
    c = db.conversations().set_index("conversation_id")
    assert json.loads(str(c.loc["eu-west-2:contact-7d1e20b4"].handoff_context)) == {
        "topic": "returns",
        "orderHint": "receipt",
    }
    assert c.loc["U04SLACK:T01:D55"].handoff_outcome == "handoff_failed"
    channels = _counts(db, "select channel, count(distinct conversation_id) from events group by 1")
    assert channels == {"chat": 1, "voice": 1, "slack": 1}
    assert _order(db, "voice-0a9f22")[2:6] == [
        ("customer", "message"),
        ("bot", "bot_fallback"),
        ("bot", "message"),
        ("bot", "message"),
    ]


def test_lex_transfer_intents_come_from_the_config(tmp_path: Path) -> None:
    cfg = tmp_path / "handoff.toml"
    cfg.write_text('[importers.lex_v2]\ntransfer_intents = ["UnlockAccount"]\n')
    db = analyzer.open_database(memory=True, config=cfg)
    db.load([FIXTURES / "lex_v2/conversation_logs.jsonl"])
    rows = db.con.execute(
        "select conversation_id, event from events where event like 'handoff%' order by 1"
    ).fetchall()
    assert rows == [("voice-0a9f22", "handoff_initiated")]
    db.close()


def test_salesforce_seq_orders_entries_of_the_same_second(db: Database) -> None:
    db.load([FIXTURES / "salesforce/conversation_entries.csv"])
    assert _order(db, "0Mw5g000000AbC1CAK")[5:8] == [
        ("bot", "message"),
        ("bot", "handoff_initiated"),
        ("agent", "agent_joined"),
    ]
    text = db.con.execute("select text from events where message_id = '0Rk5g00000XyA10'").fetchone()
    assert text == ('SN 4471-XZ, it\'s on the side panel,\nnext to the "warranty" label',)


def test_salesforce_data_loader_capitals_and_supervisor(db: Database, tmp_path: Path) -> None:
    src = (FIXTURES / "salesforce/conversation_entries.csv").read_text()
    header, rest = src.split("\n", 1)
    upper = tmp_path / "extract.csv"
    upper.write_text(header.upper() + "\n" + rest)
    db.load([upper, FIXTURES / "salesforce/conversation_entries.json"])
    c = db.conversations().set_index("conversation_id")
    assert (len(c), int(c.loc["0Mw5g000000XkQ3CAK"].agents)) == (3, 2)
    assert c.loc["0Mw5g000000AbC1CAK"].handoff_outcome == "agent_engaged"


def test_many_connect_files_one_bad_is_named(db: Database, tmp_path: Path) -> None:
    good = FIXTURES / "connect/transfer.json"
    for i in range(3):
        doc = json.loads(good.read_text())
        doc["InitialContactId"] = f"contact-{i}"
        (tmp_path / f"c{i}.json").write_text(json.dumps(doc))
    s = db.load([tmp_path])
    assert (len(s.files), s.loaded, len(db.conversations())) == (3, 42, 3)
    bad = tmp_path / "c9.json"
    shutil.copy(FIXTURES / "connect/no_contact_id.json", bad)
    with pytest.raises(InputFileError, match=f"{bad}: not in the connect format"):
        db.load([tmp_path], fmt="connect")


def test_platform_formats_in_one_load(db: Database) -> None:
    s = db.load([FIXTURES / name for name, *_ in CASES] + [FIXTURES / "connect/transfer.json"])
    assert (s.loaded, s.rejected) == (22 + 23 + 17 + 12 + 14, 0)
    by_format = _counts(
        db, "select source_format, count(distinct conversation_id) from events group by 1"
    )
    assert by_format == {"dialogflow_cx": 3, "lex_v2": 3, "salesforce": 3, "connect": 1}
