"""Result tables as CSV and JSON text that spreadsheets and scripts read safely.

- Nested values (DuckDB lists, structs, maps) are written as JSON, not as a Python repr.
- CSV cells that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a
  carriage return) get a leading apostrophe, the convention spreadsheets read as "text". Numbers
  in numeric columns are left alone, so a negative count stays a number.
- Missing values are empty cells in CSV and null in JSON, on pandas 2 and 3 alike.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import numpy as np
import pandas as pd

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def _plain(value: Any) -> Any:
    """A nested value as plain Python (lists, dicts, numbers, strings, None)."""
    if not _is_nested(value) and pd.isna(value):
        return None
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp | np.datetime64 | dt.datetime | dt.date):
        return pd.Timestamp(value).isoformat()
    return value


def _is_nested(value: Any) -> bool:
    return isinstance(value, np.ndarray | list | tuple | dict)


def _text_column(column: pd.Series) -> bool:
    return not (
        pd.api.types.is_numeric_dtype(column)
        or pd.api.types.is_bool_dtype(column)
        or pd.api.types.is_datetime64_any_dtype(column)
    )


def _cell(value: Any) -> Any:
    """One cell of a text column for CSV: nested values as JSON, formulas defused."""
    if _is_nested(value):
        value = json.dumps(_plain(value), ensure_ascii=False, default=str)
    elif pd.isna(value):
        return None
    else:
        value = str(value)
    return "'" + value if value.startswith(FORMULA_LEADS) else value


def csv_ready(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` whose text columns hold safe CSV cells."""
    out = df.copy()
    for name in out.columns:
        if _text_column(out[name]):
            out[name] = pd.Series(
                [_cell(v) for v in out[name].tolist()], index=out.index, dtype=object
            )
    return out


def to_csv(df: pd.DataFrame) -> str:
    """RFC 4180 CSV (CRLF line ends) of `df`, with formulas defused and lists as JSON."""
    buf = io.StringIO()
    csv_ready(df).to_csv(buf, index=False, lineterminator="\r\n", na_rep="")
    return buf.getvalue()


def to_json(df: pd.DataFrame) -> str:
    """A JSON array of one object per row; lists stay arrays, missing values are null."""
    rows = [
        {str(k): _plain(v) for k, v in zip(df.columns, row, strict=True)}
        for row in df.itertuples(index=False, name=None)
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False, default=str)
