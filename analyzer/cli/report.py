"""`handoff report` and `show`: the HTML report and its headline, one conversation's transcript."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from analyzer import render_text
from analyzer.api import open_database
from analyzer.cli.common import (
    ConfigOption,
    DbOption,
    InputFormatOption,
    NoRedactOption,
    clear_progress,
    handled,
    progress,
    steps,
    to_stdout,
)
from analyzer.errors import HandoffError
from analyzer.period import resolve_period
from analyzer.spark.results import open_results


def report(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Load these first (into --db, else a temporary database)."),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The HTML file to write; - for standard output.")
    ] = Path("report.html"),
    week: Annotated[str | None, typer.Option(help="An ISO week, e.g. 2026-W47.")] = None,
    last_week: Annotated[
        bool, typer.Option("--last-week", help="The last complete ISO week before today.")
    ] = False,
    all_data: Annotated[
        bool, typer.Option("--all", help="All data instead of the latest complete week.")
    ] = False,
    since: Annotated[
        str | None, typer.Option(help="First day or time included (ISO-8601; a date is local).")
    ] = None,
    until: Annotated[str | None, typer.Option(help="First day or time excluded.")] = None,
    timezone: Annotated[
        str | None,
        typer.Option(
            help="Where days and weeks begin, and naive input times' zone [default: UTC]."
        ),
    ] = None,
    fmt: InputFormatOption = "auto",
    db: DbOption = None,
    config: ConfigOption = None,
    no_redact: NoRedactOption = False,
    from_dir: Annotated[
        Path | None, typer.Option("--from", help="Results folder written by `handoff spark-run`.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the headline figures and verdict as JSON.")
    ] = False,
) -> None:
    """Write the self-contained HTML report (works offline; one file) and print its headline
    figures and verdict. Default period: the latest complete ISO week in the data, beside the
    week before it; --all for all data."""
    with handled():
        now = dt.datetime.now(dt.UTC)
        chosen = any((week, last_week, since, until))
        if all_data and chosen:
            raise HandoffError(
                "--all and a period option contradict each other", "give one of them"
            )
        period = resolve_period(
            week=week,
            last_week_of=now if last_week else None,
            since=since,
            until=until,
            timezone=timezone or "UTC",
        )
        scratch = bool(paths) and db is None and not os.environ.get("HANDOFF_DB")
        opened = (
            open_results(from_dir, config=config)
            if from_dir
            else open_database(db, config=config, memory=scratch, read_only=not paths)
        )
        with opened as database, tempfile.TemporaryDirectory() as scratch_dir:
            if paths:
                summary = database.load(
                    paths, fmt=fmt, timezone=timezone, on_file=progress(), on_step=steps()
                )
                clear_progress()
                typer.echo(render_text.load_summary(summary), err=True)
            written = database.write_report(
                Path(scratch_dir) / "report.html" if to_stdout(out) else out,
                period if (chosen or all_data) else None,
                timezone=timezone or "UTC",
                generated_at=now,
                redact=not no_redact,
            )
            if to_stdout(out):  # the page on stdout; the summary on stderr
                sys.stdout.write(written.path.read_text(encoding="utf-8"))
                typer.echo(render_text.report_summary(written.context), err=True)
                return
        if as_json:
            typer.echo(json.dumps(render_text.report_json(written), indent=2, default=str))
        else:
            typer.echo(render_text.report_summary(written.context))
            typer.echo(f"Wrote {written.path}")


def show(
    conversation_id: Annotated[str, typer.Argument(help="The conversation to print.")],
    db: DbOption = None,
) -> None:
    """Print one conversation's transcript, with events and friction flags marked."""
    with handled(), open_database(db, sandbox=True) as database:
        turns = database.transcript(conversation_id)
        conv = database.conversation(conversation_id)
        typer.echo(render_text.conversation_header(conversation_id, conv))
        typer.echo(render_text.transcript(turns))
