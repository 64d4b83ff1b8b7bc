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
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd

from analyzer.ingest.canonical import CsvDialect

BATCH = 100_000
_BLANK = b" \t\r\n\x1e"
_LINE_END = re.compile(r"\r\n|\n|\r")

Record = tuple[int, str | None, str | None]  # record_no, raw JSON text, stage_error


def _clean(text: str) -> str:
    """Text safe to store: NUL and unpaired surrogates replaced."""
    return text.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")


def _read_bytes(path: Path) -> bytes:
    if path.name.lower().endswith(".gz"):
        with gzip.open(path, "rb") as fh:
            return fh.read()
    return path.read_bytes()


def jsonl_records(path: Path) -> Iterator[Record]:
    data = _read_bytes(path)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for n, line in enumerate(data.split(b"\n"), start=1):
        body = line.strip(_BLANK)
        if not body:
            continue
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield (
                n,
                _clean(body.decode("utf-8", "replace")),
                f"not valid UTF-8 text (byte {exc.start + 1} of the line); save the file as UTF-8",
            )
            continue
        yield n, _clean(text), None


def _decoded(data: bytes, encoding: str) -> str:
    return data.decode(encoding, errors="surrogateescape")


def csv_records(path: Path, dialect: CsvDialect) -> Iterator[Record]:
    text = _decoded(_read_bytes(path), dialect.encoding)
    pieces = _LINE_END.split(text)
    ends = [*_LINE_END.findall(text), ""]
    lines = [p + e for p, e in zip(pieces, ends, strict=True)]
    if lines and lines[-1] == "":
        lines.pop()
    width = len(dialect.header)
    i, n = dialect.skip, 0
    while i < len(lines):
        if not lines[i].strip(" \t\r\n"):
            i += 1
            continue
        n += 1
        j, buf = i, lines[i]
        while _open_quote(buf, dialect.delimiter) and j + 1 < len(lines):
            j += 1
            buf += lines[j]
        spans = j > i
        stray = _open_quote(buf, dialect.delimiter)
        row = None if stray else _parse_row(buf, dialect.delimiter)
        if stray or (spans and (row is None or len(row) != width)):
            yield n, _clean(lines[i].rstrip("\r\n")), "CSV row has an unterminated quote"
            i += 1
            continue
        i = j + 1
        raw = _clean(buf.rstrip("\r\n"))
        if row is None:
            yield n, raw, "CSV row cannot be parsed (a quote inside an unquoted field?)"
        elif any("\udc80" <= ch <= "\udcff" for ch in buf):
            yield n, raw, f"CSV row is not valid {dialect.encoding} text; save the file as UTF-8"
        elif len(row) != width:
            yield n, raw, f"CSV row has {len(row)} field(s), the header has {width}"
        else:
            values = {k: (v if v != "" else None) for k, v in zip(dialect.header, row, strict=True)}
            yield n, json.dumps(values, ensure_ascii=False), None


def _open_quote(buf: str, delimiter: str) -> bool:
    """Whether `buf` ends inside a quoted field (a quote inside an unquoted field is a literal)."""
    quoted = False
    at_start = True
    i, n = 0, len(buf)
    while i < n:
        ch = buf[i]
        if quoted:
            if ch == '"':
                if i + 1 < n and buf[i + 1] == '"':
                    i += 1
                else:
                    quoted = False
        elif at_start and ch == '"':
            quoted = True
        at_start = not quoted and ch in (delimiter, "\n", "\r")
        i += 1
    return quoted


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
        frame = pd.DataFrame(batch, columns=["record_no", "raw", "stage_error"])  # noqa: F841
        con.execute(
            "INSERT INTO staged_lines SELECT $file, $fmt, record_no, raw, stage_error, false, NULL"
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
