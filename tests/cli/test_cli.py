"""The `handoff` command end to end, through typer's CliRunner."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from tests.support import FIXTURES, SAMPLE_LOGS
from tests.support.cli import COMMANDS, invoke

runner = CliRunner()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    code, out, _ = invoke(*command.split(), "--help")
    assert code == 0 and "Usage" in out and len(out) > 200


def test_version() -> None:
    code, out, _ = invoke("--version")
    assert code == 0 and out.startswith("handoff-analyzer ")


def test_load_prints_summary_and_json(db_path: Path) -> None:
    code, out, _ = invoke("load", str(FIXTURES / "mixed.jsonl"), "--db", str(db_path))
    assert code == 0
    assert "12 records read, 6 loaded, 0 duplicates skipped, 6 rejected" in out
    assert "mixed.jsonl:4: not valid JSON" in out
    code, out, _ = invoke("load", str(FIXTURES / "mixed.jsonl"), "--db", str(db_path), "--json")
    data = json.loads(out)
    assert (data["read"], data["loaded"], data["duplicates"], data["rejected"]) == (12, 0, 6, 6)


def test_handoff_db_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "env.duckdb"
    monkeypatch.setenv("HANDOFF_DB", str(target))
    assert invoke("load", str(FIXTURES / "outcomes.jsonl"))[0] == 0
    assert target.exists()
    code, out, _ = invoke("query", "select count(*) as n from conversations", "-f", "json")
    assert code == 0 and json.loads(out) == [{"n": 11}]


def test_query_is_read_only_and_changes_nothing(db_path: Path) -> None:
    invoke("load", str(FIXTURES / "outcomes.jsonl"), "--db", str(db_path))
    for sql in (
        "drop table events",
        "insert into events select * from events",
        "delete from rejects",
        "create table x as select 1",
        "select 1; drop table events",
    ):
        code, _, err = invoke("query", sql, "--db", str(db_path))
        assert code == 1 and err.startswith("Error: ") and "not allowed" in err, sql
    code, out, _ = invoke(
        "query", "select count(*) as n from events", "--db", str(db_path), "-f", "csv"
    )
    assert code == 0 and out.splitlines() == ["n", "34"]


def test_query_csv_is_rfc4180(db_path: Path) -> None:
    invoke("load", str(FIXTURES / "outcomes.jsonl"), "--db", str(db_path))
    code, out, _ = invoke(
        "query",
        "select conversation_id, text from events where text like '%,%' order by 1, 2",
        "--db",
        str(db_path),
        "--format",
        "csv",
    )
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["conversation_id", "text"] and len(rows) > 2
    assert any("," in r[1] for r in rows[1:])


def test_saved_queries(db_path: Path) -> None:
    invoke("load", str(FIXTURES / "outcomes.jsonl"), "--db", str(db_path))
    code, out, _ = invoke("query", "--list")
    assert code == 0 and "slowest_handoffs" in out and "(params: limit)" in out
    code, out, _ = invoke(
        "query",
        "--name",
        "slowest_handoffs",
        "--param",
        "limit=1",
        "--db",
        str(db_path),
        "-f",
        "json",
    )
    assert code == 0 and [r["conversation_id"] for r in json.loads(out)] == ["o-plain"]
    code, _, err = invoke("query", "--name", "slowest_handoffs", "--db", str(db_path))
    assert code == 1 and "needs parameter(s) limit" in err
    code, _, err = invoke("query", "--name", "nope", "--db", str(db_path))
    assert code == 1 and "no saved query named 'nope'" in err


def test_a_saved_query_s_optional_parameters_default_to_all(db_path: Path) -> None:
    invoke("load", str(FIXTURES / "outcomes.jsonl"), "--db", str(db_path))
    code, out, _ = invoke("query", "--list")
    assert code == 0 and "handoff_reasons:" in out and "(params: since?, until?)" in out

    def handoffs(*params: str) -> int:
        args = [a for p in params for a in ("--param", p)]
        code, out, err = invoke(
            "query", "--name", "handoff_reasons", "--db", str(db_path), "-f", "json", *args
        )
        assert code == 0, err
        return sum(r["handoffs"] for r in json.loads(out) if r["dimension"] == "all")

    everything = handoffs()
    assert everything > 0
    assert handoffs("since=1900-01-01", "until=2200-01-01") == everything
    assert handoffs("until=1900-01-01") == 0


def test_show_marks_events(db_path: Path) -> None:
    invoke("load", str(FIXTURES / "outcomes.jsonl"), "--db", str(db_path))
    code, out, _ = invoke("show", "o-events", "--db", str(db_path))
    assert code == 0
    assert "handed_off / agent_engaged" in out
    assert "[agent_joined (queue: billing, by: agent-7)]" in out
    assert "2026-03-09 09:01:40  agent agent-7" in out
    code, _, err = invoke("show", "missing-id", "--db", str(db_path))
    assert code == 1 and "no conversation 'missing-id'" in err


def test_errors_are_one_line_with_exit_1_and_usage_is_exit_2(tmp_path: Path) -> None:
    code, _, err = invoke("load", str(tmp_path / "nope.jsonl"))
    assert code == 1 and err.startswith("Error: ") and "does not exist" in err
    assert "Traceback" not in err
    code, _, err = invoke("query", "select 1", "--db", str(tmp_path / "absent.duckdb"))
    assert code == 1 and "does not exist" in err and "handoff load" in err
    assert invoke("load")[0] == 2
    assert invoke("query", "select 1", "--format", "xml")[0] == 2


def test_debug_shows_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--debug", "load", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 1 and "Traceback" in result.stderr


def test_report_from_sample_logs_in_one_command(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    code, stdout, err = invoke("report", str(SAMPLE_LOGS), "--out", str(out))
    assert code == 0, err
    assert out.exists() and out.stat().st_size < 6_000_000
    assert "Wrote" in stdout and "records read" in err
    assert not (tmp_path / "handoff.duckdb").exists()  # a scratch database, nothing left behind
    # the default period is the latest complete week in the data, beside the week before
    assert "Period: 2026-W46 (2026-11-09 to 2026-11-16, UTC, end excluded)" in stdout
    assert "Compared with: 2026-W45" in stdout
    assert "Graceful handoff rate" in stdout and "Verdict:" in stdout
    html = out.read_text(encoding="utf-8")
    assert 'id="verdict"' in html and "2026-W46" in html


def test_report_json_and_all_data(tmp_path: Path) -> None:
    code, stdout, err = invoke(
        "report", str(SAMPLE_LOGS), "--out", str(tmp_path / "r.html"), "--json"
    )
    assert code == 0, err
    summary = json.loads(stdout)
    assert summary["period"].startswith("2026-W46")
    assert summary["headline"]["conversations"] == 171
    assert summary["previous"]["conversations"] == 165
    assert 3 <= len(summary["verdict"]) <= 5
    assert {t["key"] for t in summary["tiles"]} >= {
        "graceful_handoff_rate",
        "durable_resolution_rate",
    }
    code, stdout, err = invoke(
        "report", str(SAMPLE_LOGS), "--out", str(tmp_path / "a.html"), "--all", "--json"
    )
    assert code == 0, err
    every = json.loads(stdout)
    assert every["period"] == "all data" and every["previous"] == {}
    assert every["headline"]["conversations"] == 1200
    code, _, err = invoke("report", str(SAMPLE_LOGS), "--all", "--week", "2026-W45")
    assert code == 1 and err.startswith("Error: --all and a period option")


def test_report_from_existing_database(db_path: Path, tmp_path: Path) -> None:
    invoke("load", str(FIXTURES / "outcomes.jsonl"), "--db", str(db_path))
    out = tmp_path / "week.html"
    code, _, err = invoke(
        "report",
        "--db",
        str(db_path),
        "--since",
        "2026-03-09",
        "--until",
        "2026-03-16",
        "--out",
        str(out),
    )
    assert code == 0, err
    assert out.exists()


def test_show_marks_each_flag_at_its_evidence(tmp_path: Path, db_path: Path) -> None:
    rows = [
        ("customer", "my parcel for order 770315 never came"),
        ("bot", "I'm passing you to a colleague from deliveries now."),
        ("agent", "Hello! Could you give me the order number please?"),
        ("customer", "it's 770315, like I told the bot"),
    ]
    path = tmp_path / "c.jsonl"
    path.write_text(
        "".join(
            json.dumps(
                {
                    "conversation_id": "s-1",
                    "timestamp": f"2026-05-04T10:0{i}:00Z",
                    "role": role,
                    "text": text,
                    "participant_id": "a-9" if role == "agent" else None,
                }
            )
            + "\n"
            for i, (role, text) in enumerate(rows)
        )
    )
    invoke("load", str(path), "--db", str(db_path))
    code, out, _ = invoke("show", "s-1", "--db", str(db_path))
    assert code == 0
    lines = out.splitlines()
    ask = next(i for i, ln in enumerate(lines) if "Could you give me the order number" in ln)
    assert "⚑ agent_reasked:" in lines[ask + 1]
    again = next(i for i, ln in enumerate(lines) if "like I told the bot" in ln)
    assert "⚑ customer_repeated:" in lines[again + 1]
