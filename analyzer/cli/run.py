"""`handoff run`: the scheduled job, its summary and its exit code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from analyzer.cli.common import (
    JsonOption,
    handled,
)


def run(
    config: Annotated[Path, typer.Option("--config", help="handoff.toml with a [run] table.")],
    as_json: JsonOption = False,
) -> None:
    """The scheduled job: load what is new, write the period's report into the archive, check alerts.

    Exit codes: 0 done, 1 error, 3 an alert rule in [alerts] was crossed, 4 another run or writer
    held the database longer than [run] lock_wait_seconds, 5 the period has no conversations
    (unless [run] allow_empty = true). Running it twice in a row adds no data and writes the same
    report.
    """
    from analyzer.config import load_config
    from analyzer.job.run import run_job

    with handled():
        result = run_job(load_config(config))
        if as_json:
            typer.echo(json.dumps(result.as_dict(), indent=2, default=str))
        else:
            s = result.load
            typer.echo(
                f"{result.period.label}: {result.files_seen} file(s) found, "
                f"{result.files_already_loaded} already loaded; {s.loaded} record(s) loaded, "
                f"{s.duplicates} duplicate(s), {s.rejected} rejected. Report: {result.report}"
            )
            for entry in s.unreadable:
                typer.echo(f"Not loaded (will be tried again next run): {entry}")
            typer.echo(result.summary)
            for alert in result.alerts:
                typer.echo(f"ALERT: {alert.message}")
            if result.empty:
                typer.echo(
                    f"EMPTY: no conversations in {result.period.label}; check [run] sources, or"
                    " set [run] allow_empty = true if an empty period is expected",
                    err=True,
                )
    raise typer.Exit(result.exit_code)
