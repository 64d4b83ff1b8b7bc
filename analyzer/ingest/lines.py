"""The line reader: every record of a file the fast read could not take whole, with its number.

It runs only for such files (a broken line, a blank line, a bad byte, a ragged CSV row), so it
may read in Python; it hands DuckDB one batch of records at a time. Its rules:

- JSON Lines: a record ends at LF (CRLF too); a bare CR is whitespace, as JSON says. Lines of
  only whitespace are not records. A leading RS (a JSON text sequence, as `jq --seq` writes)
  is dropped. Records are numbered by physical line. A line that is not UTF-8 is a reject.
- CSV: a record is a row; a quoted field may span lines. A quote still open at the end of the
  file, or a multi-line row whose field count differs from the header's, is taken for a stray
  quote: its first line is one reject and reading goes on at the next line. A row with fewer or
  more fields than the header is one reject. Blank lines are not records. Records are numbered
  from 1 at the first data row, as DuckDB's reader numbers them.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import duckdb
import pandas as pd

from analyzer.ingest.canonical import CsvDialect

BATCH = 100_000
_BLANK = b" \t\r\n\x1e"

# record_no, raw JSON text, stage_code (the reject_code) and stage_error (the reason), or None twice
Record = tuple[int, str | None, str | None, str | None]


def _clean(text: str) -> str:
    """Text safe to store: NUL and unpaired surrogates replaced."""
    return text.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")


def _open(path: Path) -> BinaryIO:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def jsonl_records(path: Path) -> Iterator[Record]:
    """Every record of a JSON Lines file, read as a stream (a big file is never held whole)."""
    with _open(path) as fh:
        for n, line in enumerate(fh, start=1):
            if n == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            body = line.strip(_BLANK)
            if not body:
                continue
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield (
                    n,
                    _clean(body.decode("utf-8", "replace")),
                    "invalid_utf8",
                    f"not valid UTF-8 text (byte {exc.start + 1} of the line); save the file as UTF-8",
                )
                continue
            yield n, _clean(text), None, None


def _quote_state(line: str, delimiter: str, quoted: bool, at_start: bool) -> tuple[bool, bool]:
    """The CSV quote state after `line`, from the state before it.

    A quote opens a field only at its start; inside a quoted field a doubled quote is a literal
    and a single one closes it. A quote inside an unquoted field is a literal character.
    """
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if quoted:
            if ch == '"':
                if i + 1 < n and line[i + 1] == '"':
                    i += 1
                else:
                    quoted = False
        elif at_start and ch == '"':
            quoted = True
        at_start = not quoted and ch in (delimiter, "\n", "\r")
        i += 1
    return quoted, at_start


def csv_records(path: Path, dialect: CsvDialect) -> Iterator[Record]:
    """Every record of a CSV file, read as a stream; lines are kept ahead only inside a quote."""
    with _open(path) as raw:
        text = io.TextIOWrapper(
            raw, encoding=dialect.encoding, errors="surrogateescape", newline=""
        )
        source = iter(text)
        ahead: deque[str] = deque()

        def take() -> str | None:
            return ahead.popleft() if ahead else next(source, None)

        for _ in range(dialect.skip):
            take()
        width = len(dialect.header)
        n = 0
        while (first := take()) is not None:
            if not first.strip(" \t\r\n"):
                continue
            n += 1
            taken = [first]
            quoted, at_start = _quote_state(first, dialect.delimiter, False, True)
            while quoted and (more := take()) is not None:
                taken.append(more)
                quoted, at_start = _quote_state(more, dialect.delimiter, quoted, at_start)
            buf = "".join(taken)
            row = None if quoted else _parse_row(buf, dialect.delimiter)
            if quoted or (len(taken) > 1 and (row is None or len(row) != width)):
                yield (
                    n,
                    _clean(first.rstrip("\r\n")),
                    "csv_quote",
                    "CSV row has an unterminated quote",
                )
                ahead.extendleft(reversed(taken[1:]))
                continue
            yield _row_record(n, buf, row, dialect, width)


def _row_record(n: int, buf: str, row: list[str] | None, dialect: CsvDialect, width: int) -> Record:
    raw = _clean(buf.rstrip("\r\n"))
    if row is None:
        return n, raw, "csv_row", "CSV row cannot be parsed (a quote inside an unquoted field?)"
    if any("\udc80" <= ch <= "\udcff" for ch in buf):
        return (
            n,
            raw,
            "invalid_encoding",
            f"CSV row is not valid {dialect.encoding} text; save the file as UTF-8",
        )
    if len(row) != width:
        return n, raw, "csv_width", f"CSV row has {len(row)} field(s), the header has {width}"
    values = {k: (v if v != "" else None) for k, v in zip(dialect.header, row, strict=True)}
    return n, json.dumps(values, ensure_ascii=False), None, None


def _parse_row(buf: str, delimiter: str) -> list[str] | None:
    try:
        rows = list(csv.reader(io.StringIO(buf, newline=""), delimiter=delimiter))
    except csv.Error:
        return None
    return rows[0] if len(rows) == 1 else None


def stage(con: duckdb.DuckDBPyConnection, path: Path, fmt: str, records: Iterator[Record]) -> None:
    """Insert `records` into `staged_lines`, one batch at a time."""
    batch: list[Record] = []

    def flush() -> None:
        frame = pd.DataFrame(batch, columns=["record_no", "raw", "stage_code", "stage_error"])  # noqa: F841
        con.execute(
            "INSERT INTO staged_lines SELECT $file, $fmt, record_no, raw, stage_error, false, NULL,"
            " stage_code"
            " FROM frame",
            {"file": str(path), "fmt": fmt},
        )
        batch.clear()

    for record in records:
        batch.append(record)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
