"""The reviewer loop: export a period's flags as a sheet, import the verdicts, measure precision."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from analyzer.config import Config, load_config
from analyzer.errors import HandoffError, InputFileError
from analyzer.period import Period
from analyzer.redaction import install, redaction_params
from analyzer.sql import query, run
from analyzer.store import transaction
from analyzer.tabular import to_csv

SHEET_COLUMNS = ("conversation_id", "flag", "verdict")


def review_sheet(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    *,
    config: Config | None = None,
    redact: bool = True,
) -> pd.DataFrame:
    """The period's flags, one row per flag, with empty verdict and note columns.

    Personal data is replaced by the config's [redaction] rules unless `redact` is false.
    """
    if period.since is None or period.until is None:
        raise HandoffError(
            "a review sheet needs a bounded period", "pass --week or --since and --until"
        )
    install(con)
    params = {"since": period.since, "until": period.until}
    params |= redaction_params(config or load_config(), redact)
    return run(con, query("review", "export"), params).df()


def export_sheet(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    out: Path,
    *,
    config: Config | None = None,
    redact: bool = True,
) -> int:
    """Write the review sheet as CSV (formulas defused), atomically; returns the rows."""
    df = review_sheet(con, period, config=config, redact=redact)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(to_csv(df), encoding="utf-8", newline="")
    os.replace(tmp, out)
    return len(df)


@dataclass(frozen=True)
class ImportSummary:
    rows: int
    stored: int
    empty: int  # rows left without a verdict: not reviewed yet


def import_sheet(
    con: duckdb.DuckDBPyConnection, path: Path, reviewer: str, now: dt.datetime
) -> ImportSummary:
    """Store the verdicts of a filled-in sheet. All rows are checked first; any bad row stops it."""
    if not path.is_file():
        raise InputFileError(
            f"{path} does not exist", "pass the CSV written by `handoff review export`"
        )
    try:
        columns = [
            r[0]
            for r in con.execute(
                "DESCRIBE SELECT * FROM read_csv($f, header = true, all_varchar = true)",
                {"f": str(path)},
            ).fetchall()
        ]
    except duckdb.Error as exc:
        raise InputFileError(
            f"{path}: cannot read as CSV ({exc})", "save the sheet as CSV"
        ) from exc
    missing = [c for c in SHEET_COLUMNS if c not in columns]
    if missing:
        raise InputFileError(
            f"{path}: missing column(s) {', '.join(missing)}",
            "keep the columns of the exported sheet; fill in verdict and note only",
        )
    note = "note" if "note" in columns else "NULL"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE review_rows AS
            SELECT row_number() OVER () + 1 AS line, conversation_id, flag, verdict, {note} AS note
            FROM read_csv($f, header = true, all_varchar = true)""",
        {"f": str(path)},
    )
    checked: pd.DataFrame = run(con, query("review", "import")).df()
    bad = checked[checked["problem"].notna() & (checked["problem"] != "empty")]
    if not bad.empty:
        listed = "; ".join(f"line {r.line}: {r.problem}" for r in bad.head(5).itertuples())
        raise InputFileError(
            f"{path}: {len(bad)} row(s) cannot be stored ({listed})",
            "fix those rows and import again; nothing was stored",
        )
    body = query("review", "import").sql.rstrip().rstrip(";")
    with transaction(con):
        con.execute(
            f"""INSERT INTO reviews
                SELECT conversation_id, flag, verdict, note, $reviewer, $now, $file
                FROM ({body}) WHERE problem IS NULL""",
            {"reviewer": reviewer, "now": now, "file": str(path)},
        )
    empty = int((checked["problem"] == "empty").sum())
    return ImportSummary(rows=len(checked), stored=len(checked) - empty, empty=empty)


def precision(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, query("metrics", "review_precision")).df()
