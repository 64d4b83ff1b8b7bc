"""`handoff run`: the scheduled job is idempotent, alerts by exit code, locks, and fails safely."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.job.lock import database_lock
from tests.support import SAMPLE_LOGS

runner = CliRunner()


def _setup(tmp_path: Path, alerts: str = "") -> Path:
    logs = tmp_path / "exports"
    logs.mkdir()
    for week in ("2026-W44", "2026-W45"):
        shutil.copy(SAMPLE_LOGS / f"{week}.jsonl", logs)
    cfg = tmp_path / "handoff.toml"
    cfg.write_text(
        '[run]\nsources = ["exports"]\ndatabase = "data/handoff.duckdb"\n'
        'output_dir = "site"\nperiod = "2026-W45"\n' + alerts
    )
    return cfg


def _run(cfg: Path) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["run", "--config", str(cfg), "--json"])
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else {}


def test_twice_in_a_row_adds_nothing_and_writes_the_same_report(tmp_path: Path) -> None:
    cfg = _setup(tmp_path)
    code, first = _run(cfg)
    assert code == 0, first
    report = tmp_path / "site" / "handoff-report-2026-W45.html"
    assert first["report"] == str(report) and first["load"]["loaded"] > 1000
    assert first["headline"]["conversations"] == 165  # sample_logs week 45
    assert 3 <= len(first["verdict"]) <= 5  # cron mail carries the verdict
    before = report.read_bytes()
    code, second = _run(cfg)
    assert code == 0
    assert second["files_already_loaded"] == 2 and second["load"]["read"] == 0
    assert report.read_bytes() == before
    index = (tmp_path / "site" / "index.html").read_text()
    assert 'href="handoff-report-2026-W45.html"' in index and "2026-W45" in index
    manifest = json.loads((tmp_path / "site" / "archive.json").read_text())
    assert [e["label"] for e in manifest["reports"]] == ["2026-W45"]


def test_new_file_is_loaded_and_changed_file_reloaded(tmp_path: Path) -> None:
    cfg = _setup(tmp_path)
    _run(cfg)
    shutil.copy(SAMPLE_LOGS / "2026-W46.jsonl", tmp_path / "exports")
    code, out = _run(cfg)
    assert code == 0 and out["files_already_loaded"] == 2 and out["load"]["files"] == 1


def test_crossed_alert_exits_3_and_says_why(tmp_path: Path) -> None:
    cfg = _setup(tmp_path, "[alerts]\nhandoff_rate_above = 0.05\nfriction_rate_above = 0.99\n")
    code, out = _run(cfg)
    assert code == 3
    assert len(out["alerts"]) == 1 and out["alerts"][0].startswith("handoff_rate is ")
    index = (tmp_path / "site" / "index.html").read_text()
    assert "handoff_rate is" in index


def test_second_run_meets_the_lock(tmp_path: Path) -> None:
    cfg = _setup(tmp_path)
    db = tmp_path / "data" / "handoff.duckdb"
    with database_lock(db, 0):
        result = runner.invoke(app, ["run", "--config", str(cfg)])
    assert result.exit_code == 4 and "another handoff run is using" in result.stderr


def test_failure_half_way_leaves_the_archive_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = _setup(tmp_path)
    assert _run(cfg)[0] == 0
    site = tmp_path / "site"
    saved = {p.name: p.read_bytes() for p in site.iterdir()}

    import analyzer.report

    def broken(con: object, config: object, period: object, out: Path, **kwargs: object) -> Path:
        out.write_text("<html>half a rep")
        raise RuntimeError("disk full")

    monkeypatch.setattr(analyzer.report, "write_report", broken)
    shutil.copy(SAMPLE_LOGS / "2026-W46.jsonl", tmp_path / "exports")
    result = runner.invoke(app, ["run", "--config", str(cfg)])
    assert result.exit_code == 1 and "disk full" in result.stderr
    for name, data in saved.items():
        assert (site / name).read_bytes() == data, name


def test_run_needs_sources(tmp_path: Path) -> None:
    cfg = tmp_path / "handoff.toml"
    cfg.write_text("[run]\nsources = []\n")
    result = runner.invoke(app, ["run", "--config", str(cfg)])
    assert result.exit_code == 1 and "[run] sources is empty" in result.stderr


def _empty_setup(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "exports").mkdir()
    cfg = tmp_path / "handoff.toml"
    cfg.write_text(
        '[run]\nsources = ["exports"]\noutput_dir = "site"\nperiod = "2026-W45"\n' + extra
    )
    return cfg


def test_first_run_on_an_empty_source_writes_a_report_and_exits_5(tmp_path: Path) -> None:
    cfg = _empty_setup(tmp_path)
    result = runner.invoke(app, ["run", "--config", str(cfg)])
    assert result.exit_code == 5, result.output
    assert "EMPTY: no conversations in 2026-W45" in result.stderr
    assert (tmp_path / "site" / "handoff-report-2026-W45.html").is_file()
    assert (tmp_path / "site" / "index.html").is_file()
    code, out = _run(cfg)  # again: the same answer, nothing new
    assert code == 5 and out["empty"] is True and out["exit_code"] == 5


def test_an_expected_empty_period_exits_0(tmp_path: Path) -> None:
    cfg = _empty_setup(tmp_path, "allow_empty = true\n")
    code, out = _run(cfg)
    assert code == 0 and out["empty"] is False


def test_a_period_without_conversations_exits_5_even_with_data(tmp_path: Path) -> None:
    cfg = _setup(tmp_path)
    cfg.write_text(cfg.read_text().replace('period = "2026-W45"', 'period = "2026-W30"'))
    code, out = _run(cfg)
    assert code == 5 and out["load"]["loaded"] > 0 and out["alerts"] == []


@pytest.mark.slow
def test_run_waits_for_a_load_that_holds_the_database(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    cfg = _setup(tmp_path)
    db = tmp_path / "data" / "handoff.duckdb"
    db.parent.mkdir()
    hold = (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True);"
        " time.sleep(float(sys.argv[2])); c.close()"
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", hold, str(db), "3"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "held"
        result = runner.invoke(app, ["run", "--config", str(cfg)])
        assert result.exit_code == 4 and "in use by another process" in result.stderr
        cfg.write_text(cfg.read_text() + "lock_wait_seconds = 30\n")
        started = time.monotonic()
        waited = runner.invoke(app, ["run", "--config", str(cfg), "--json"])
        assert waited.exit_code == 0, waited.stderr
        assert json.loads(waited.stdout)["load"]["loaded"] > 0
        assert time.monotonic() - started > 0.5  # it waited for the writer
    finally:
        writer.wait(timeout=30)


def test_unreadable_files_are_named_and_the_report_is_still_written(tmp_path: Path) -> None:
    cfg = _setup(tmp_path)
    exports = tmp_path / "exports"
    (exports / "manifest.json").write_text('{"exported": "2026-11-09", "files": 2}')
    (exports / "broken.jsonl").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with (exports / "2026-W45.jsonl").open("a") as fh:
        fh.write('{"conversation_id": "x", "timestamp": "epoch", "role": "bot"}\n')
    code, out = _run(cfg)
    assert code == 0, out
    assert (tmp_path / "site" / "handoff-report-2026-W45.html").is_file()
    assert out["headline"]["conversations"] == 165
    assert out["load"]["rejected"] == 1
    named = " | ".join(out["unreadable"])
    assert "manifest.json" in named and "broken.jsonl" in named and len(out["unreadable"]) == 2
    # left out of the loads log, so the next run tries them again (and names them again)
    code, again = _run(cfg)
    assert code == 0 and len(again["unreadable"]) == 2 and again["load"]["loaded"] == 0
    text = runner.invoke(app, ["run", "--config", str(cfg)]).stdout
    assert "Not loaded (will be tried again next run):" in text and "manifest.json" in text
