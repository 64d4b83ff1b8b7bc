"""The `handoff` command: parse arguments, call the library, print. Nothing else lives here."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from analyzer import cli_spark, render_text
from analyzer._version import __version__
from analyzer.api import Database, open_database
from analyzer.cli_common import (
    TYPER_SETTINGS,
    ConfigOption,
    DbOption,
    InputFormatOption,
    InputTimezoneOption,
    JsonOption,
    NoRedactOption,
    handled,
    set_debug,
    to_stdout,
    write_text,
)
from analyzer.cli_review import review_app
from analyzer.errors import HandoffError
from analyzer.ingest import LoadSummary
from analyzer.period import resolve_period
from analyzer.query import saved_queries
from analyzer.results import open_results

app = typer.Typer(
    name="handoff",
    help="Find failed and clumsy bot-to-human handoffs in conversation logs.",
    no_args_is_help=True,
    **TYPER_SETTINGS,
)

# The shared option names, under the names this module has always used.
FormatOption = InputFormatOption
TimezoneOption = InputTimezoneOption


def _version(value: bool) -> None:
    if value:
        typer.echo(f"handoff-analyzer {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback on errors.")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    set_debug(debug)


def _progress(files_hint: int) -> Callable[[Path], None] | None:
    """A file-by-file progress line on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None
    seen = {"n": 0}

    def tick(path: Path) -> None:
        seen["n"] += 1
        sys.stderr.write(f"\rreading {seen['n']}: {path.name[:60]:<60}")
        sys.stderr.flush()

    del files_hint
    return tick


def _clear_progress() -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\r" + " " * 80 + "\r")


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


@app.command()
def load(
    paths: Annotated[list[str], typer.Argument(help="Files, folders or globs to load.")],
    fmt: FormatOption = "auto",
    db: DbOption = None,
    config: ConfigOption = None,
    timezone: TimezoneOption = None,
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
            on_file=_progress(len(paths)),
            maps=tuple(maps or ()),
            full=full,
        )
        _clear_progress()
        _print_load(database, summary, as_json)


@app.command()
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


@app.command()
def refresh(db: DbOption = None, config: ConfigOption = None) -> None:
    """Rebuild turns, conversations and friction flags from every loaded event."""
    with handled(), open_database(db, config=config) as database:
        typer.echo(f"Refreshed: {database.refresh()}.")


@app.command()
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
    fmt: FormatOption = "auto",
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
                    paths, fmt=fmt, timezone=timezone, on_file=_progress(len(paths))
                )
                _clear_progress()
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


def _params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise HandoffError(
                f"--param {pair!r} is not key=value", "write it as --param week=2026-W47"
            )
        params[key.strip()] = value
    return params


@app.command()
def query(
    sql: Annotated[str | None, typer.Argument(help="Read-only SQL to run.")] = None,
    name: Annotated[str | None, typer.Option("--name", "-n", help="Run a saved query.")] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="key=value for a saved query.")
    ] = None,
    list_saved: Annotated[bool, typer.Option("--list", help="List the saved queries.")] = False,
    out_format: Annotated[
        str, typer.Option("--format", "-f", help="Output: table, csv or json.")
    ] = "table",
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The file to write; - for standard output.")
    ] = Path("-"),
    db: DbOption = None,
) -> None:
    """Run read-only SQL, or a saved query from queries/saved/, against the database.

    The database is opened read-only with DuckDB's external access, extensions and settings
    changes switched off: a query can read its tables and nothing else.
    """
    if out_format not in ("table", "csv", "json"):
        raise typer.BadParameter("use table, csv or json", param_hint="--format")
    with handled():
        if list_saved:
            for q in saved_queries():
                params = f" (params: {', '.join(q.params)})" if q.params else ""
                typer.echo(f"{q.name}: {q.description}{params}")
            return
        if bool(sql) == bool(name):
            raise HandoffError(
                "give either SQL or --name", 'e.g. handoff query "select 1" or --list'
            )
        with open_database(db, sandbox=True) as database:
            df = database.saved(name, _params(param or [])) if name else database.sql(sql or "")
        write_text(out, render_text.table(df, out_format))


@app.command()
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
    from analyzer.job import run_job

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


@app.command()
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


app.add_typer(review_app, name="review")
cli_spark.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
