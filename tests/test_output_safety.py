"""What the tool writes for people and programs cannot leak personal data or attack the reader.

Hostile conversation ids and transcript text (formulas, e-mail and phone ids, terminal escapes)
go through the review sheet, the report, `handoff show` and `handoff query`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pandas as pd
import pytest

import analyzer
from analyzer.render_text import safe, transcript
from analyzer.tabular import to_csv, to_json
from tests.support import FIXTURES
from tests.support.cli import invoke

FORMULA_ID = '=HYPERLINK("http://evil.example/x","open")'
EMAIL_ID = "ann.lee@example.com"
PHONE_ID = "+44 7700 900123"
ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\ \u202eevil"
RENAMES = {"o-failed": FORMULA_ID, "o-plain": EMAIL_ID, "o-queue": PHONE_ID}


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    rows = []
    for line in (FIXTURES / "outcomes.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        row["conversation_id"] = RENAMES.get(row["conversation_id"], row["conversation_id"])
        if row["conversation_id"] == FORMULA_ID and row["role"] == "customer":
            row["text"] = f"{ESCAPES} mail me at bob@example.org"
        rows.append(json.dumps(row))
    src = tmp_path / "hostile.jsonl"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    db = tmp_path / "hostile.duckdb"
    code, _, err = invoke("load", str(src), "--db", str(db))
    assert code == 0, err
    return db


def _sheet(db: Path, *extra: str) -> list[dict[str, str]]:
    code, out, err = invoke(
        "review", "export", "--since", "2026-03-01", "--until", "2026-04-01", "--db", str(db),
        "-o", "-", *extra,
    )  # fmt: skip
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


def _md5(text: str) -> str:
    return "~" + hashlib.md5(text.encode()).hexdigest()


def test_review_sheet_is_redacted_and_defused(hostile: Path) -> None:
    rows = _sheet(hostile)
    text = json.dumps(rows)
    assert len(rows) == 3
    for secret in ("ann.lee", "7700 900123", "bob@example.org"):
        assert secret not in text, secret
    assert not [
        c for r in rows for v in r.values() for c in v if ord(c) < 32 or 0x7F <= ord(c) < 0xA0
    ]
    ids = {r["conversation_id"] for r in rows}
    assert ids == {_md5(EMAIL_ID), _md5(PHONE_ID), "'" + FORMULA_ID}  # no personal data in it
    anchors = {r["report_anchor"] for r in rows}
    assert anchors == {f"conversation-{_md5(i)}" for i in (EMAIL_ID, PHONE_ID, FORMULA_ID)}
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())


def test_review_sheet_without_redaction_keeps_ids_but_defuses_formulas(hostile: Path) -> None:
    rows = _sheet(hostile, "--no-redact")
    ids = {r["conversation_id"] for r in rows}
    assert ids == {EMAIL_ID, "'" + PHONE_ID, "'" + FORMULA_ID}


@pytest.mark.parametrize("redact", [True, False])
def test_verdicts_come_back_to_the_real_conversations(
    hostile: Path, tmp_path: Path, redact: bool
) -> None:
    rows = _sheet(hostile, *([] if redact else ["--no-redact"]))
    sheet = tmp_path / "filled.csv"
    with sheet.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([r | {"verdict": "confirmed"} for r in rows])
    code, out, err = invoke("review", "import", str(sheet), "--db", str(hostile))
    assert code == 0, err
    assert "Stored 3 verdict(s)" in out
    with analyzer.open_database(hostile, read_only=True) as db:
        stored = set(db.sql("SELECT conversation_id FROM reviews")["conversation_id"])
    assert stored == set(RENAMES.values())


def test_report_shows_no_personal_ids(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    code, _, err = invoke(
        "report", "--since", "2026-03-01", "--until", "2026-04-01", "--db", str(hostile),
        "-o", str(out),
    )  # fmt: skip
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    for secret in ("ann.lee", "7700 900123", "bob@example.org", "\x1b"):
        assert secret not in html, secret
    assert f'id="conversation-{_md5(EMAIL_ID)}"' in html
    assert f'id="conversation-{_md5(PHONE_ID)}"' in html
    code, _, err = invoke(
        "report", "--since", "2026-03-01", "--until", "2026-04-01", "--db", str(hostile),
        "-o", str(out), "--no-redact",
    )  # fmt: skip
    assert code == 0 and "ann.lee@example.com" in out.read_text(encoding="utf-8")


def test_show_strips_terminal_escapes_and_prints_no_nan(hostile: Path) -> None:
    code, out, err = invoke("show", FORMULA_ID, "--db", str(hostile))
    assert code == 0, err
    assert not any(ord(c) < 32 and c != "\n" for c in out)
    assert "\x9b" not in out and "\u202e" not in out and "\x1b" not in out
    assert "nan" not in out.lower().split() and "None" not in out
    assert "click" in out and "mail me at bob@example.org" in out


def test_transcript_blanks_missing_values_on_any_pandas() -> None:
    turns = pd.DataFrame(
        {
            "timestamp": [pd.NaT, pd.Timestamp("2026-03-02 10:00:00")],
            "role": ["agent", "system"],
            "event": ["message", "agent_joined"],
            "text": [float("nan"), None],
            "queue": [None, float("nan")],
            "participant_id": [pd.NA, None],
            "flags": [[], []],
            "details": [[], []],
        }
    )
    out = transcript(turns)
    assert "nan" not in out and "None" not in out and "<NA>" not in out
    assert out.splitlines() == [
        "--:--:--  agent     ",
        "2026-03-02 10:00:00  system    [agent_joined]",
    ]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred\x1b[0m", "[31mred[0m"),
        ("title\x1b]0;x\x07", "title]0;x"),
        ("a\r\nb\tc", "a  b c"),
        ("c1\x9b2J", "c12J"),
        ("bidi \u202egnp.exe", "bidi gnp.exe"),
        (None, ""),
        (float("nan"), ""),
        (pd.NA, ""),
    ],
)
def test_safe_text(raw: object, shown: str) -> None:
    assert safe(raw) == shown


def test_query_csv_and_json_write_lists_as_json_and_defuse_formulas(hostile: Path) -> None:
    sql = (
        "SELECT conversation_id, flags, -1 AS n, NULL AS missing FROM conversations"
        " WHERE len(flags) > 0 ORDER BY conversation_id"
    )
    code, out, err = invoke("query", sql, "--db", str(hostile), "-f", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    by_id = {r["conversation_id"]: r for r in rows}
    assert by_id["'" + FORMULA_ID]["flags"] == '["handoff_failed"]'
    assert by_id[EMAIL_ID]["n"] == "-1" and by_id[EMAIL_ID]["missing"] == ""
    code, out, err = invoke("query", sql, "--db", str(hostile), "-f", "json")
    assert code == 0, err
    found = {r["conversation_id"]: r for r in json.loads(out)}
    assert found[FORMULA_ID]["flags"] == ["handoff_failed"] and found[FORMULA_ID]["missing"] is None


def test_every_formula_lead_is_defused() -> None:
    df = pd.DataFrame(
        {
            "text": ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "ok", None],
            "number": [1, -2, 3, 4, 5, 6, 7, 8],
        }
    )
    rows = list(csv.reader(io.StringIO(to_csv(df))))[1:]
    assert [r[0] for r in rows] == ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "ok", ""]
    assert [r[1] for r in rows][:2] == ["1", "-2"]
    nested = pd.DataFrame({"a": [[1, 2], None], "s": [{"k": [1]}, {"k": []}]})
    assert json.loads(to_json(nested)) == [
        {"a": [1, 2], "s": {"k": [1]}},
        {"a": None, "s": {"k": []}},
    ]
