"""`handoff report --from` on a folder that holds no spark-run results says so."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from analyzer.cli import app


def test_report_from_a_folder_without_results_is_one_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", "--from", str(tmp_path), "--out", "r.html"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "no spark-run results" in result.stderr
    assert "handoff spark-run" in result.stderr and "Traceback" not in result.stderr
