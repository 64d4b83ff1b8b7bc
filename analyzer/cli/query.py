"""`handoff query`: read-only SQL and the saved queries, in a sandboxed connection."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from analyzer import render_text
from analyzer.api import open_database
from analyzer.cli.common import (
    DbOption,
    handled,
    write_text,
)
from analyzer.errors import HandoffError
from analyzer.query import saved_queries


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
                shown = [p + ("?" if p in q.optional else "") for p in q.params]
                params = f" (params: {', '.join(shown)})" if shown else ""
                typer.echo(f"{q.name}: {q.description}{params}")
            return
        if bool(sql) == bool(name):
            raise HandoffError(
                "give either SQL or --name", 'e.g. handoff query "select 1" or --list'
            )
        with open_database(db, sandbox=True) as database:
            df = database.saved(name, _params(param or [])) if name else database.sql(sql or "")
        write_text(out, render_text.table(df, out_format))
