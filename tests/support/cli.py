"""Running the `handoff` app in-process, as a user would from a shell."""

from __future__ import annotations

from typer.testing import CliRunner

from analyzer.cli import app

# Every command path, as typed after `handoff`.
COMMANDS = [
    "load",
    "init",
    "report",
    "query",
    "show",
    "refresh",
    "run",
    "review export",
    "review import",
    "spark-run",
    "export-canonical",
]


def invoke(*args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `handoff ARGS...`."""
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr
