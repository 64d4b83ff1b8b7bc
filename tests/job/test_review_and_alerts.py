"""The reviewer loop (export, import, precision) and alert rules."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from analyzer.api import Database
from analyzer.errors import ConfigError, InputFileError
from analyzer.job.alerts import check
from analyzer.period import parse_week
from analyzer.review import export_sheet, import_sheet, precision
from tests.support import FIXTURES

NOW = dt.datetime(2026, 11, 23, 9, 0)


def _flag(db: Database, cid: str, flag: str) -> None:
    db.con.execute(
        "insert into friction_flags values ($c, $f, null, 'test evidence', null)",
        {"c": cid, "f": flag},
    )


@pytest.fixture
def flagged(db: Database) -> Database:
    db.load([FIXTURES / "outcomes.jsonl"])
    db.con.execute("DELETE FROM friction_flags")  # the flags under review are the test's own
    _flag(db, "o-events", "missing_transition")
    _flag(db, "o-plain", "long_queue_wait")
    _flag(db, "o-queue", "abandoned_in_queue")
    return db


def _fill(sheet: Path, verdicts: dict[tuple[str, str], str]) -> None:
    rows = list(csv.DictReader(sheet.open(newline="")))
    for r in rows:
        r["verdict"] = verdicts.get((r["conversation_id"], r["flag"]), "")
        r["note"] = "looked at it, <b>fine</b>" if r["verdict"] else ""
    with sheet.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def test_export_import_and_precision(flagged: Database, tmp_path: Path) -> None:
    sheet = tmp_path / "review.csv"
    n = export_sheet(flagged.con, parse_week("2026-W11"), sheet)
    rows = list(csv.DictReader(sheet.open(newline="")))
    assert n == 3 and {r["verdict"] for r in rows} == {""} and {r["note"] for r in rows} == {""}
    assert {r["report_anchor"] for r in rows} == {
        "conversation-o-events",
        "conversation-o-plain",
        "conversation-o-queue",
    }
    _fill(
        sheet,
        {
            ("o-events", "missing_transition"): "Confirmed",
            ("o-plain", "long_queue_wait"): "false_positive",
        },
    )
    s = import_sheet(flagged.con, sheet, "maria", NOW)
    assert (s.rows, s.stored, s.empty) == (3, 2, 1)
    p = precision(flagged.con).set_index("flag")
    assert p.loc["missing_transition", "precision"] == 1.0
    assert p.loc["long_queue_wait", "precision"] == 0.0
    # a reviewer changing their mind: the latest verdict counts
    _fill(sheet, {("o-plain", "long_queue_wait"): "confirmed"})
    import_sheet(flagged.con, sheet, "maria", NOW + dt.timedelta(hours=1))
    assert precision(flagged.con).set_index("flag").loc["long_queue_wait", "precision"] == 1.0


def test_bad_verdict_stores_nothing_and_names_the_line(flagged: Database, tmp_path: Path) -> None:
    sheet = tmp_path / "review.csv"
    export_sheet(flagged.con, parse_week("2026-W11"), sheet)
    _fill(
        sheet,
        {("o-events", "missing_transition"): "confirmed", ("o-plain", "long_queue_wait"): "maybe?"},
    )
    with pytest.raises(InputFileError, match=r"line \d: unknown verdict 'maybe\?'"):
        import_sheet(flagged.con, sheet, "maria", NOW)
    assert flagged.con.execute("select count(*) from reviews").fetchone() == (0,)


def test_sheet_for_an_unknown_flag_is_refused(flagged: Database, tmp_path: Path) -> None:
    sheet = tmp_path / "r.csv"
    sheet.write_text("conversation_id,flag,verdict,note\no-events,bot_loop,confirmed,\n")
    with pytest.raises(InputFileError, match="no flag bot_loop on conversation o-events"):
        import_sheet(flagged.con, sheet, "maria", NOW)
    sheet.write_text("id,verdict\n1,confirmed\n")
    with pytest.raises(InputFileError, match="missing column"):
        import_sheet(flagged.con, sheet, "maria", NOW)


HEAD = {"friction_rate": 0.42, "handoff_rate": 0.30, "abandonment_rate": float("nan")}
PREV = {"friction_rate": 0.40, "handoff_rate": 0.22, "abandonment_rate": 0.1}


@pytest.mark.parametrize(
    ("rules", "fired"),
    [
        ({"friction_rate_above": 0.35}, ["friction_rate_above"]),
        ({"friction_rate_above": 0.5}, []),
        ({"handoff_rate_up_by_points": 5}, ["handoff_rate_up_by_points"]),  # +8 points
        ({"handoff_rate_up_by_points": 10}, []),
        ({"friction_rate_down_by_points": 1}, []),  # it went up
        (
            {"handoff_rate_below": 0.5, "abandonment_rate_above": 0.0},
            ["handoff_rate_below"],
        ),  # NaN: no data
    ],
)
def test_alert_rules(rules: dict[str, float], fired: list[str]) -> None:
    assert [a.rule for a in check(rules, HEAD, PREV)] == fired


@pytest.mark.parametrize(
    "rules", [{"friction_rate_over": 1}, {"nonsense_above": 1}, {"friction_rate_above": "x"}]
)
def test_bad_alert_rules_are_config_errors(rules: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        check(rules, HEAD, PREV)
