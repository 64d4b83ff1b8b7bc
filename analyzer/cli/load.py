"""`handoff load`, `init` and `refresh`: transcripts into the database, and its derived tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from analyzer import render_text
from analyzer.api import Database, open_database
from analyzer.cli.common import (
    ConfigOption,
    DbOption,
    InputFormatOption,
    InputTimezoneOption,
    clear_progress,
    handled,
    progress,
    steps,
)
from analyzer.ingest import LoadSummary


def _print_load(db: Database, summary: LoadSummary, as_json: bool) -> None:
    files = [f.path for f in summary.files]
    rejects = db.con.execute(
        """SELECT source_file, record_no, reason FROM rejects
           WHERE list_contains($files, source_file) ORDER BY source_file, record_no LIMIT 10""",
        {"files": files},
    ).fetchall()
    if as_json:
        payload = summary.as_dict() | {
            "per_file": [f.__dict__ for f in summary.files],
            "skipped": summary.skipped,
        }
        typer.echo(json.dumps(payload, indent=2))
    else:
        typer.echo(render_text.load_summary(summary, rejects=rejects))


def load(
    paths: Annotated[list[str], typer.Argument(help="Files, folders or globs to load.")],
    fmt: InputFormatOption = "auto",
    db: DbOption = None,
    config: ConfigOption = None,
    timezone: InputTimezoneOption = None,
    maps: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="Take a schema field from another column: target=source, e.g."
            " conversation_id=session_id (repeatable; over [load.columns]).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    full: Annotated[
        bool, typer.Option("--full", help="Rebuild every derived table, not only what is new.")
    ] = False,
) -> None:
    """Load transcripts into the database; bad records go to `rejects`, reloads add nothing.

    Only the conversations the new records belong to are derived again, unless the definitions
    or the configuration changed since the last refresh.
    """
    with handled(), open_database(db, config=config) as database:
        summary = database.load(
            paths,
            fmt=fmt,
            timezone=timezone,
            on_file=progress(),
            on_step=steps(),
            maps=tuple(maps or ()),
            full=full,
        )
        clear_progress()
        _print_load(database, summary, as_json)


def init(
    files: Annotated[list[Path], typer.Argument(help="Export files to inspect.")],
    out: Annotated[
        str, typer.Option("--out", "-o", help="Where to write it; - prints it instead.")
    ] = "handoff.toml",
) -> None:
    """Inspect export files and write a commented handoff.toml: format, column and role mapping, [run]."""
    from analyzer.ingest.init import init_config

    with handled():
        target = None if out == "-" else Path(out)
        text = init_config(files, target)
        if target is None:
            typer.echo(text, nl=False)
        else:
            typer.echo(f"Wrote {target}: check it, then handoff load FILE --config {target}")


def refresh(db: DbOption = None, config: ConfigOption = None) -> None:
    """Rebuild turns, conversations and friction flags from every loaded event."""
    with handled(), open_database(db, config=config) as database:
        refreshed = database.refresh(on_step=steps())
        clear_progress()
        typer.echo(f"Refreshed: {refreshed}.")
