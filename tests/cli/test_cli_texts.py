"""Help texts show what they say, every command takes -h, and options are spelled one way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from analyzer.cli import app
from tests.support import FIXTURES

runner = CliRunner()


def _commands() -> Iterator[tuple[str, object]]:
    root = typer.main.get_command(app)

    def walk(prefix: str, command: object) -> Iterator[tuple[str, object]]:
        yield prefix, command
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            yield from walk(f"{prefix} {name}".strip(), sub)

    yield from walk("", root)


COMMANDS = [name for name, _ in _commands()]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_takes_dash_h(name: str) -> None:
    result = runner.invoke(app, [*name.split(), "-h"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.stdout and "-h, --help" in result.stdout


def _help(*args: str) -> str:
    return " ".join(runner.invoke(app, [*args, "-h"]).stdout.split())


def test_brackets_and_defaults_survive_in_help() -> None:
    run = _help("run")
    assert "an alert rule in [alerts] was crossed" in run
    assert "[run] lock_wait_seconds" in run and "[run] allow_empty = true" in run
    load = _help("load")
    assert "[default: $HANDOFF_DB or" in load and "[default: UTC]" in load
    report = _help("report")
    assert "[default: report.html]" in report


def test_shell_completion_is_installable(monkeypatch: pytest.MonkeyPatch) -> None:
    root = runner.invoke(app, ["-h"]).stdout
    assert "--install-completion" in root and "--show-completion" in root
    # The shell is found from the parent processes, which a CI job may not have.
    monkeypatch.setattr("typer.completion._get_shell_name", lambda: "bash")
    script = runner.invoke(app, ["--show-completion"])
    assert script.exit_code == 0 and "complete" in script.stdout


def _options() -> Iterator[tuple[str, list[str], bool]]:
    for name, command in _commands():
        for param in getattr(command, "params", []):
            if getattr(param, "param_type_name", "") == "option":
                yield name, list(param.opts) + list(param.secondary_opts), bool(param.is_flag)


def test_one_option_vocabulary() -> None:
    for command, opts, is_flag in _options():
        longs = [o for o in opts if o.startswith("--")]
        if any(o in ("--out", "--output") for o in opts):
            assert "--out" in opts and "-o" in opts, (command, opts)
        if "--format" in opts:
            assert "-f" in opts, (command, opts)
        if "--json" in opts:
            assert is_flag, command
        if "-o" in opts or "-f" in opts:
            assert longs[0] in ("--out", "--format"), (command, opts)
        assert not any("_" in o for o in longs), (command, opts)  # dashes, never underscores
    periods = {"--week", "--last-week", "--since", "--until", "--timezone"}
    for command, cmd in _commands():
        names = {o for p in getattr(cmd, "params", []) for o in getattr(p, "opts", [])}
        if "--week" in names:
            assert periods <= names, command


def test_dash_o_dash_writes_to_standard_output(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(FIXTURES / "outcomes.jsonl"), "-o", "-"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("<!DOCTYPE html>") and result.stdout.rstrip().endswith(
        "</html>"
    )
    assert not (tmp_path / "-").exists()
    db = tmp_path / "h.duckdb"
    assert (
        runner.invoke(app, ["load", str(FIXTURES / "outcomes.jsonl"), "--db", str(db)]).exit_code
        == 0
    )
    out = tmp_path / "n.csv"
    result = runner.invoke(
        app,
        ["query", "select count(*) as n from events", "--db", str(db), "-f", "csv", "-o", str(out)],
    )
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text().splitlines() == ["n", "34"]
