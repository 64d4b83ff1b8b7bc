"""Personal data out of what the tool writes for others: the report and the review sheet.

The rules come from the config's [redaction] table (see `analyzer.config.redaction_rules`); they
run inside DuckDB with the `redacted(value, patterns, replacements)` macro of
`queries/report/redaction.sql`, over whole columns at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import duckdb
import pandas as pd

from analyzer.config import Config, redaction_rules
from analyzer.sql import query


def redaction_params(config: Config, redact: bool) -> dict[str, Any]:
    """`redact_patterns` and `redact_replacements` for the queries; empty lists when off."""
    patterns, replacements = redaction_rules(config.data) if redact else ([], [])
    return {"redact_patterns": patterns, "redact_replacements": replacements}


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Define the `redacted` macro on this connection (a temporary object: read-only is fine)."""
    con.execute(query("report", "redaction").sql)


def redact_values(
    con: duckdb.DuckDBPyConnection, values: Iterable[object], params: dict[str, Any]
) -> list[str | None]:
    """The values with personal data replaced, in one statement; None stays None."""
    shown = [None if _missing(v) else str(v) for v in values]
    if not shown:
        return shown
    install(con)
    row = con.execute(
        "SELECT list_transform(CAST($values AS VARCHAR[]),"
        " lambda v: redacted(v, $redact_patterns, $redact_replacements))",
        {"values": shown, **params},
    ).fetchone()
    assert row is not None
    return list(row[0])


def redact_columns(
    con: duckdb.DuckDBPyConnection, df: pd.DataFrame, columns: Iterable[str], params: dict[str, Any]
) -> pd.DataFrame:
    """A copy of `df` with personal data replaced in `columns` (those it has)."""
    out = df.copy()
    for column in columns:
        if column in out.columns and len(out):
            out[column] = pd.Series(
                redact_values(con, out[column], params), index=out.index, dtype=object
            )
    return out


def anchor_id(conversation_id: str, shown_id: str) -> str:
    """The id's stand-in where it cannot be shown: '~' and its MD5, as DuckDB's md5() writes it."""
    if shown_id == conversation_id:
        return conversation_id
    return "~" + hashlib.md5(conversation_id.encode("utf-8")).hexdigest()


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, list | tuple) and bool(pd.isna(value)))
