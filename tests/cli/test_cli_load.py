"""`handoff load` with foreign headers: --map, [load.columns] / [load.roles], `handoff init`."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from analyzer.cli import app

runner = CliRunner()

FOREIGN = (
    "Session ID;TS;Speaker;Message\n"
    "s1;2026-05-04 10:00:00;Customer;I want a human\n"
    "s1;2026-05-04 10:00:05;Virtual Assistant;Let me connect you to an agent\n"
    "s1;2026-05-04 10:00:40;Live Rep;Hi, how can I help?\n"
)


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(FOREIGN, encoding="utf-8")
    return path


def _load(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["load", *args])
    return result.exit_code, result.stdout, result.stderr


def test_unmapped_csv_is_one_line_pointing_to_map_and_init(tmp_path: Path) -> None:
    code, _, err = _load(str(_csv(tmp_path)), "--db", str(tmp_path / "h.duckdb"))
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("Error: ")
    assert "--map conversation_id=" in err and "handoff init export.csv" in err
    assert "I want a human" not in err  # never the record's text


def test_map_on_the_command_line(tmp_path: Path) -> None:
    code, out, err = _load(
        str(_csv(tmp_path)),
        "--db",
        str(tmp_path / "h.duckdb"),
        "--json",
        "--map",
        "conversation_id=session id",
        "--map",
        "timestamp=ts",
        "--map",
        "role=SPEAKER",
        "--map",
        "text=Message",
    )
    assert code == 0, err
    summary = json.loads(out)
    # the labels "Virtual Assistant" and "Live Rep" need a role map
    assert (summary["read"], summary["loaded"], summary["rejected"]) == (3, 1, 2)


def test_config_columns_and_roles(tmp_path: Path) -> None:
    cfg = tmp_path / "handoff.toml"
    cfg.write_text(
        '[load.columns]\nconversation_id = "Session ID"\ntimestamp = "TS"\nrole = "Speaker"\n'
        'text = "Message"\n[load.roles]\n"Virtual Assistant" = "bot"\n"live rep" = "agent"\n'
    )
    db = str(tmp_path / "h.duckdb")
    code, out, err = _load(str(_csv(tmp_path)), "--db", db, "--config", str(cfg), "--json")
    assert code == 0, err
    assert json.loads(out)["loaded"] == 3
    roles = runner.invoke(
        app, ["query", "--db", db, "select role from events order by timestamp", "--format", "csv"]
    ).stdout.split()
    assert roles[1:] == ["customer", "bot", "agent"]


def test_a_map_to_an_unknown_field_is_an_error(tmp_path: Path) -> None:
    code, _, err = _load(
        str(_csv(tmp_path)), "--db", str(tmp_path / "h.duckdb"), "--map", "who=Speaker"
    )
    assert code == 1 and "'who' is not a field of the canonical schema" in err


def test_init_writes_a_config_that_loads_the_file(tmp_path: Path) -> None:
    path = _csv(tmp_path)
    result = runner.invoke(app, ["init", str(path), "-o", str(tmp_path / "handoff.toml")])
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "handoff.toml").read_text()
    assert "# export.csv: csv (delimiter ';', encoding utf-8)" in text
    assert 'conversation_id = "Session ID"' in text and '"Virtual Assistant" = "bot"' in text
    assert '"Live Rep" = "agent"' in text and "[run]" in text
    code, out, err = _load(
        str(path),
        "--db",
        str(tmp_path / "h.duckdb"),
        "--config",
        str(tmp_path / "handoff.toml"),
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["loaded"] == 3
    again = runner.invoke(app, ["init", str(path), "-o", str(tmp_path / "handoff.toml")])
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_init_to_stdout_and_unknown_labels(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("conversation_id,timestamp,role,text\nc,2026-05-04T10:00:00Z,Wizard,hi\n")
    result = runner.invoke(app, ["init", str(path), "-o", "-"])
    assert result.exit_code == 0
    assert '# "Wizard" = "?"' in result.stdout
    assert "(the files use the schema's names)" in result.stdout
