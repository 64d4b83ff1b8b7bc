"""What every `handoff` command shares: the option vocabulary, the error handler, `-o -`.

One spelling per idea across commands: `--db`, `--config`, `--out/-o` (where `-` is standard
output), `--format/-f`, `--json`, and the period options `--week`, `--last-week`, `--since`,
`--until`, `--timezone`.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from analyzer import render_text
from analyzer.errors import HandoffError

# `-h` as well as `--help`; help texts are printed as written (no rich markup, which would eat
# every "[...]" such as "[default: UTC]" or "[alerts]").
TYPER_SETTINGS: dict[str, Any] = {
    "context_settings": {"help_option_names": ["-h", "--help"]},
    "rich_markup_mode": None,
    "pretty_exceptions_enable": False,
}

_state = {"debug": False}

STDOUT = "-"


def set_debug(debug: bool) -> None:
    _state["debug"] = debug


@contextmanager
def handled() -> Iterator[None]:
    """Turn library errors into `Error: <what> — <what to do>` and exit code 1."""
    try:
        yield
    except (typer.Exit, typer.Abort):
        raise
    except HandoffError as exc:
        if _state["debug"]:
            traceback.print_exc()
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None
    except Exception as exc:  # a bug or an environment problem: still one clear line
        if _state["debug"]:
            traceback.print_exc()
        typer.echo(
            f"Error: unexpected {type(exc).__name__}: {exc} — rerun with --debug and report it",
            err=True,
        )
        raise typer.Exit(1) from None


def to_stdout(out: Path | str) -> bool:
    """Whether `--out` names standard output (`-o -`)."""
    return str(out) == STDOUT


def write_text(out: Path | str, text: str) -> None:
    """Write `text` to the file `out`, or to standard output for `-`."""
    if to_stdout(out):
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
        return
    Path(out).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="DuckDB database file [default: $HANDOFF_DB or ./handoff.duckdb]."),
]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="A handoff.toml overriding the default settings.")
]
InputFormatOption = Annotated[
    str,
    typer.Option(
        "--format", "-f", help="Input format: auto, jsonl, csv, parquet or a platform format."
    ),
]
InputTimezoneOption = Annotated[
    str | None,
    typer.Option("--timezone", help="Time zone of timestamps without an offset [default: UTC]."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")]
NoRedactOption = Annotated[
    bool,
    typer.Option(
        "--no-redact",
        help="Show personal data (e-mail, phone, card, account and id numbers, names) as stored.",
    ),
]
WeekOption = Annotated[str | None, typer.Option("--week", help="An ISO week, e.g. 2026-W47.")]
LastWeekOption = Annotated[bool, typer.Option("--last-week", help="The last complete ISO week.")]
SinceOption = Annotated[
    str | None,
    typer.Option("--since", help="First day or time included (ISO-8601; a date is local)."),
]
UntilOption = Annotated[str | None, typer.Option("--until", help="First day or time excluded.")]
PeriodTimezoneOption = Annotated[
    str | None,
    typer.Option(
        "--timezone",
        help="Where days and weeks begin, and naive input times' zone [default: UTC].",
    ),
]


def progress() -> Callable[[Path], None] | None:
    """A file-by-file progress line on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None
    seen = {"n": 0}

    def tick(path: Path) -> None:
        seen["n"] += 1
        _status(f"reading {seen['n']}: {render_text.safe(path.name)[:60]}")

    return tick


def steps() -> Callable[[str], None] | None:
    """What a load or refresh is doing now, with the time since it began, on one line of stderr,
    only when stderr is a terminal (a first load of a long history takes minutes)."""
    if not sys.stderr.isatty():
        return None
    began = time.monotonic()

    def step(what: str) -> None:
        _status(f"{what} ({time.monotonic() - began:,.0f} s so far)")

    return step


def _status(line: str) -> None:
    sys.stderr.write(f"\r{line[:79]:<79}")
    sys.stderr.flush()


def clear_progress() -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\r" + " " * 80 + "\r")
