"""The `handoff` command: parse arguments, call the library, print. Nothing else lives here.

One module per command group; this one builds the app and registers them, in the order
`handoff --help` lists them.
"""

from __future__ import annotations

from typing import Annotated

import typer

from analyzer._version import __version__
from analyzer.cli import load, query, report, run, spark
from analyzer.cli.common import TYPER_SETTINGS, set_debug
from analyzer.cli.review import review_app

app = typer.Typer(
    name="handoff",
    help="Find failed and clumsy bot-to-human handoffs in conversation logs.",
    no_args_is_help=True,
    **TYPER_SETTINGS,
)


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


app.command()(load.load)
app.command()(load.init)
app.command()(load.refresh)
app.command()(report.report)
app.command()(query.query)
app.command()(run.run)
app.command()(report.show)
app.add_typer(review_app, name="review")
spark.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
