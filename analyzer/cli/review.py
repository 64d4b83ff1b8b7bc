"""`handoff review export|import`: the reviewer loop of the weekly friction review."""

from __future__ import annotations

import datetime as dt
import getpass
import sys
from pathlib import Path
from typing import Annotated

import typer

from analyzer.api import open_database
from analyzer.cli.common import (
    TYPER_SETTINGS,
    DbOption,
    handled,
    to_stdout,
)
from analyzer.period import resolve_period
from analyzer.review import export_sheet, import_sheet, review_sheet
from analyzer.tabular import to_csv

review_app = typer.Typer(
    help="Export flagged conversations for review; import the verdicts.",
    no_args_is_help=True,
    **TYPER_SETTINGS,
)


@review_app.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="The CSV sheet to write.")] = Path(
        "review.csv"
    ),
    week: Annotated[str | None, typer.Option(help="ISO week, e.g. 2026-W47.")] = None,
    last_week: Annotated[bool, typer.Option("--last-week", help="The last complete week.")] = False,
    since: Annotated[str | None, typer.Option(help="First day included (ISO-8601).")] = None,
    until: Annotated[str | None, typer.Option(help="First day excluded (ISO-8601).")] = None,
    timezone: Annotated[str, typer.Option(help="Where days and weeks begin.")] = "UTC",
    db: Annotated[Path | None, typer.Option("--db", help="Database file.")] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="A handoff.toml overriding the default settings."),
    ] = None,
    no_redact: Annotated[
        bool,
        typer.Option(
            "--no-redact", help="Write personal data in ids, details and names as stored."
        ),
    ] = False,
) -> None:
    """Write the period's flags, one row per flag, with empty verdict and note columns.

    Personal data is replaced as in the report ([redaction] rules) unless --no-redact is given,
    and cells that a spreadsheet would run as formulas start with an apostrophe. `-o -` writes
    the sheet to standard output.
    """
    with handled():
        period = resolve_period(
            week=week,
            last_week_of=dt.datetime.now(dt.UTC) if last_week else None,
            since=since,
            until=until,
            timezone=timezone or "UTC",
        )
        with open_database(db, read_only=True, config=config) as database:
            if to_stdout(out):
                sheet = review_sheet(
                    database.con, period, config=database.config, redact=not no_redact
                )
                sys.stdout.write(to_csv(sheet))
                return
            rows = export_sheet(
                database.con, period, out, config=database.config, redact=not no_redact
            )
        typer.echo(f"Wrote {rows} flag(s) for {period.label} to {out}")


@review_app.command("import")
def import_(
    sheet: Annotated[Path, typer.Argument(help="A sheet written by `handoff review export`.")],
    reviewer: Annotated[
        str | None, typer.Option(help="Who reviewed [default: the current user].")
    ] = None,
    db: DbOption = None,
) -> None:
    """Store verdicts (confirmed, false_positive, unsure); the report then shows each flag's precision."""
    with handled(), open_database(db) as database:
        summary = import_sheet(
            database.con,
            sheet,
            reviewer or getpass.getuser(),
            dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
        )
        typer.echo(
            f"Stored {summary.stored} verdict(s) from {summary.rows} row(s); "
            f"{summary.empty} row(s) without a verdict were left for later."
        )
