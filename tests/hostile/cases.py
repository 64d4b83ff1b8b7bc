"""The hostile corpus: files a careless export, a cron job or an attacker could hand the loader.

Each case is a file (bytes, or a builder for Parquet) and the exact counts a load must report:
records read, loaded, duplicates and rejected, and the record numbers of the rejects. A case
with `refused` set must be refused whole with a one-line error (the file is not its format).
"""

from __future__ import annotations

import codecs
import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb


@dataclass(frozen=True)
class Case:
    name: str
    filename: str
    data: bytes | Callable[[Path], None]
    counts: tuple[int, int, int, int] = (0, 0, 0, 0)  # read, loaded, duplicates, rejected
    reject_nos: tuple[int, ...] = ()
    reader: str | None = None  # "fast" or "lines" when the case says which reader must take it
    timezone: str | None = None
    maps: tuple[str, ...] = ()
    refused: str = ""  # a substring of the one-line error, for a file refused whole
    # SQL returning one row compared with `expect` (e.g. a stored time or a metadata key)
    check_sql: str = ""
    expect: tuple[Any, ...] = ()
    notes: dict[str, int] = field(default_factory=dict)  # ambiguous_times / nonexistent_times

    def write(self, folder: Path) -> Path:
        path = folder / self.filename
        if isinstance(self.data, bytes):
            path.write_bytes(self.data)
        else:
            self.data(path)
        return path


def rec(n: int, conv: str = "c1", **over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "conversation_id": conv,
        "timestamp": f"2026-05-04T10:00:{n:02d}Z",
        "role": "customer" if n % 2 else "bot",
        "text": f"message {n}",
    }
    base.update(over)
    return {k: v for k, v in base.items() if v is not ...}


def line(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode()


def jsonl(*records: Any, end: bytes = b"\n") -> bytes:
    return b"".join((r if isinstance(r, bytes) else line(r)) + end for r in records)


THREE = [rec(1), rec(2), rec(3)]
CSV_HEAD = "conversation_id,timestamp,role,text\n"


def csv_rows(*rows: str, head: str = CSV_HEAD, newline: str = "\n") -> bytes:
    return (head.replace("\n", newline) + "".join(r + newline for r in rows)).encode()


GOOD_CSV = ["c1,2026-05-04T10:00:01Z,customer,hello", "c1,2026-05-04T10:00:02Z,bot,hi there"]


def _parquet(select: str) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        con = duckdb.connect()
        con.execute(f"COPY ({select}) TO '{path}' (FORMAT parquet)")
        con.close()

    return build


def _gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def jsonl_cases() -> list[Case]:
    deep: Any = "leaf"
    for _ in range(60):
        deep = {"k": deep}
    return [
        Case("clean", "clean.jsonl", jsonl(*THREE), (3, 3, 0, 0), reader="fast"),
        Case("crlf", "crlf.jsonl", jsonl(*THREE, end=b"\r\n"), (3, 3, 0, 0), reader="fast"),
        Case("no_final_newline", "nofinal.jsonl", jsonl(*THREE).rstrip(b"\n"), (3, 3, 0, 0)),
        Case("utf8_bom", "bom.jsonl", codecs.BOM_UTF8 + jsonl(*THREE), (3, 3, 0, 0)),
        Case(
            "json_text_sequence",
            "seq.jsonl",
            b"".join(b"\x1e" + line(r) + b"\n" for r in THREE),
            (3, 3, 0, 0),
            reader="lines",
        ),
        Case(
            "rs_inside_a_string",
            "rs_inside.jsonl",
            jsonl(rec(1), line(rec(2)).replace(b"message", b"mess\x1eage"), rec(3)),
            (3, 2, 0, 1),
            reject_nos=(2,),
        ),
        Case(
            "bare_cr_between_tokens",
            "bare_cr.jsonl",
            jsonl(rec(1), line(rec(2)).replace(b', "role"', b',\r"role"'), rec(3)),
            (3, 3, 0, 0),
        ),
        Case(
            "blank_lines_keep_numbers",
            "blanks.jsonl",
            jsonl(rec(1), b"", rec(2), b"   ", b"bad", rec(3)),
            (4, 3, 0, 1),
            reject_nos=(5,),
            reader="lines",
        ),
        Case("tab_only_line", "tab.jsonl", jsonl(rec(1), b"\t", rec(2), rec(3)), (3, 3, 0, 0)),
        Case(
            "invalid_utf8_line",
            "bad_utf8.jsonl",
            jsonl(rec(1), line(rec(2)).replace(b"message", b"m\xff\xfege"), rec(3)),
            (3, 2, 0, 1),
            reject_nos=(2,),
        ),
        Case(
            "latin1_line",
            "latin1.jsonl",
            jsonl(rec(1), line(rec(2)).replace(b"message", "café".encode("latin-1")), rec(3)),
            (3, 2, 0, 1),
            reject_nos=(2,),
        ),
        Case(
            "nul_byte_line",
            "nul.jsonl",
            jsonl(rec(1), b"\x00\x00", rec(2), rec(3)),
            (4, 3, 0, 1),
            reject_nos=(2,),
        ),
        Case(
            "escaped_nul_in_text",
            "esc_nul.jsonl",
            jsonl(rec(1, text="a\u0000b"), rec(2)),
            (2, 2, 0, 0),
        ),
        Case(
            "duplicated_unknown_key",
            "dupkey.jsonl",
            jsonl(line(rec(1))[:-1] + b', "foo": 1, "foo": 2}', rec(2)),
            (2, 2, 0, 0),
        ),
        Case(
            "empty_key",
            "emptykey.jsonl",
            jsonl(rec(1, **{"": "x"}), rec(2)),
            (2, 2, 0, 0),
            check_sql="SELECT json_keys(metadata), metadata::VARCHAR FROM events WHERE text = 'message 1'",
            expect=([""], '{"":"x"}'),
        ),
        Case(
            "key_with_quote",
            "quotekey.jsonl",
            jsonl(rec(1, **{'we"ird': "y"}), rec(2)),
            (2, 2, 0, 0),
            check_sql="SELECT json_keys(metadata) FROM events WHERE text = 'message 1'",
            expect=(['we"ird'],),
        ),
        Case("deep_nesting", "deep.jsonl", jsonl(rec(1, metadata=deep), rec(2)), (2, 2, 0, 0)),
        Case(
            "metadata_as_json_string",
            "meta_str.jsonl",
            jsonl(rec(1, metadata='{"a": 1}'), rec(2)),
            (2, 2, 0, 0),
            check_sql="SELECT metadata->>'$.a' FROM events WHERE text = 'message 1'",
            expect=("1",),
        ),
        Case(
            "metadata_array", "meta_arr.jsonl", jsonl(rec(1, metadata=[1, 2]), rec(2)), (2, 2, 0, 0)
        ),
        Case(
            "array_line", "arr.jsonl", jsonl(rec(1), [1, 2], rec(2)), (3, 2, 0, 1), reject_nos=(2,)
        ),
        Case(
            "scalar_line", "scalar.jsonl", jsonl(rec(1), 42, rec(2)), (3, 2, 0, 1), reject_nos=(2,)
        ),
        Case(
            "truncated_last_line",
            "trunc.jsonl",
            jsonl(rec(1), rec(2)) + line(rec(3))[:20],
            (3, 2, 0, 1),
            reject_nos=(3,),
            reader="lines",
        ),
        Case("big_text", "big.jsonl", jsonl(rec(1, text="x" * 2_000_000), rec(2)), (2, 2, 0, 0)),
        Case(
            "unicode_text",
            "unicode.jsonl",
            jsonl(rec(1, text="مرحبا 👋 \u200b\u202e tschüß"), rec(2, text="\u001b[2J escape")),
            (2, 2, 0, 0),
        ),
        Case("identical_lines", "same.jsonl", jsonl(rec(1), rec(1), rec(1)), (3, 1, 2, 0)),
        Case(
            "differ_only_in_queue",
            "queue.jsonl",
            jsonl(rec(1, queue="billing"), rec(1, queue="sales")),
            (2, 2, 0, 0),
        ),
        Case(
            "differ_only_in_participant",
            "participant.jsonl",
            jsonl(
                rec(2, text="Hello", participant_id="a1"), rec(2, text="Hello", participant_id="a2")
            ),
            (2, 2, 0, 0),
        ),
        Case(
            "differ_only_in_channel",
            "channel.jsonl",
            jsonl(rec(1, channel="web"), rec(1, channel="sms")),
            (2, 2, 0, 0),
        ),
        Case(
            "differ_only_in_metadata",
            "meta_diff.jsonl",
            jsonl(rec(1, metadata={"x": 1}), rec(1, metadata={"x": 2})),
            (2, 2, 0, 0),
        ),
        Case(
            "same_message_id_other_text",
            "same_id.jsonl",
            jsonl(rec(1, message_id="m1"), rec(2, message_id="m1")),
            (2, 1, 1, 0),
        ),
        Case(
            "missing_conversation_id",
            "no_conv.jsonl",
            jsonl(rec(1), rec(2, conversation_id=...), rec(3)),
            (3, 2, 0, 1),
            reject_nos=(2,),
        ),
        Case(
            "numeric_conversation_id",
            "num_conv.jsonl",
            jsonl(rec(1, conversation_id=123)),
            (1, 1, 0, 0),
        ),
        Case(
            "null_role",
            "null_role.jsonl",
            jsonl(rec(1, role=None), rec(2)),
            (2, 1, 0, 1),
            reject_nos=(1,),
        ),
        Case(
            "unknown_role",
            "wizard.jsonl",
            jsonl(rec(1, role="wizard"), rec(2)),
            (2, 1, 0, 1),
            reject_nos=(1,),
        ),
        Case(
            "role_in_capitals",
            "caps.jsonl",
            jsonl(rec(1, role="USER"), rec(2, role=" Assistant ")),
            (2, 2, 0, 0),
        ),
        Case(
            "unknown_event",
            "event.jsonl",
            jsonl(rec(1, event="teleport"), rec(2)),
            (2, 1, 0, 1),
            reject_nos=(1,),
        ),
        Case(
            "pretty_printed_json",
            "pretty.jsonl",
            json.dumps(THREE, indent=2).encode(),
            refused="can be read as jsonl",
        ),
        Case(
            "binary_file",
            "image.jsonl",
            b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
            refused="can be read as jsonl",
        ),
        Case(
            "cr_only_line_ends",
            "cr_only.jsonl",
            jsonl(*THREE, end=b"\r"),
            refused="can be read as jsonl",
        ),
        Case("empty_file", "empty.jsonl", b"", (0, 0, 0, 0)),
    ]


def _times(*values: Any) -> bytes:
    return jsonl(*(rec(i + 1, timestamp=v) for i, v in enumerate(values)))


def time_cases() -> list[Case]:
    stored = (
        "SELECT strftime(\"timestamp\", '%Y-%m-%d %H:%M:%S') FROM events ORDER BY record_no LIMIT 1"
    )
    return [
        Case(
            "infinity",
            "inf.jsonl",
            _times("infinity", "2026-05-04T10:00:00Z"),
            (2, 1, 0, 1),
            reject_nos=(1,),
        ),
        Case(
            "minus_infinity",
            "minf.jsonl",
            _times("-infinity", "2026-05-04T10:00:00Z"),
            (2, 1, 0, 1),
            reject_nos=(1,),
        ),
        Case(
            "epoch_word",
            "epoch.jsonl",
            _times("epoch", "now", "today", "2026-05-04T10:00:00Z"),
            (4, 1, 0, 3),
            reject_nos=(1, 2, 3),
        ),
        Case(
            "year_10000",
            "y10k.jsonl",
            _times("10000-01-01T00:00:00Z", "2026-05-04T10:00:00Z"),
            (2, 1, 0, 1),
            reject_nos=(1,),
        ),
        Case(
            "year_1800",
            "y1800.jsonl",
            _times("1800-01-01T00:00:00Z", "2026-05-04T10:00:00Z"),
            (2, 1, 0, 1),
            reject_nos=(1,),
        ),
        Case(
            "epoch_too_big",
            "bigepoch.jsonl",
            _times(1e20, 1777888000),
            (2, 1, 0, 1),
            reject_nos=(1,),
        ),
        Case(
            "epoch_milliseconds",
            "ms.jsonl",
            _times(1777888000000),
            (1, 1, 0, 0),
            check_sql=stored,
            expect=("2026-05-04 09:46:40",),
        ),
        Case(
            "empty_timestamp",
            "empty_ts.jsonl",
            _times("", "2026-05-04T10:00:00Z"),
            (2, 1, 0, 1),
            reject_nos=(1,),
        ),
        Case(
            "date_only_utc",
            "date_utc.jsonl",
            _times("2026-05-04"),
            (1, 1, 0, 0),
            check_sql=stored,
            expect=("2026-05-04 00:00:00",),
        ),
        Case(
            "date_only_in_zone",
            "date_paris.jsonl",
            _times("2026-05-04"),
            (1, 1, 0, 0),
            timezone="Europe/Paris",
            check_sql=stored,
            expect=("2026-05-03 22:00:00",),
        ),
        Case(
            "named_utc_in_other_zone",
            "named_utc.jsonl",
            _times("2026-05-04 10:00:00 UTC"),
            (1, 1, 0, 0),
            timezone="America/New_York",
            check_sql=stored,
            expect=("2026-05-04 10:00:00",),
        ),
        Case(
            "named_zone_in_other_zone",
            "named_ny.jsonl",
            _times("2026-05-04 10:00:00 America/New_York"),
            (1, 1, 0, 0),
            timezone="Europe/Paris",
            check_sql=stored,
            expect=("2026-05-04 14:00:00",),
        ),
        Case(
            "naive_in_zone",
            "naive.jsonl",
            _times("2026-05-04 10:00:00"),
            (1, 1, 0, 0),
            timezone="Europe/Paris",
            check_sql=stored,
            expect=("2026-05-04 08:00:00",),
        ),
        Case(
            "offset_half_hour",
            "offset.jsonl",
            _times("2026-05-04T10:00:00+05:30"),
            (1, 1, 0, 0),
            check_sql=stored,
            expect=("2026-05-04 04:30:00",),
        ),
        Case(
            "offset_after_a_space",
            "offset_space.jsonl",
            _times("2026-05-04 10:00:00 -0400"),
            (1, 1, 0, 0),
            timezone="Europe/Paris",
            check_sql=stored,
            expect=("2026-05-04 14:00:00",),
        ),
        Case(
            "named_abbreviation_in_other_zone",
            "named_pst.jsonl",
            _times("2026-01-05 10:00:00 PST"),
            (1, 1, 0, 0),
            timezone="Europe/Paris",
            check_sql=stored,
            expect=("2026-01-05 18:00:00",),
        ),
        Case(
            "dst_ambiguous",
            "ambiguous.jsonl",
            _times("2026-11-01 01:30:00"),
            (1, 1, 0, 0),
            timezone="America/New_York",
            check_sql=stored,
            expect=("2026-11-01 06:30:00",),
            notes={"ambiguous_times": 1},
        ),
        Case(
            "dst_nonexistent",
            "gap.jsonl",
            _times("2026-03-08 02:30:00"),
            (1, 1, 0, 0),
            timezone="America/New_York",
            check_sql=stored,
            expect=("2026-03-08 07:30:00",),
            notes={"nonexistent_times": 1},
        ),
        Case(
            "dst_near_misses",
            "dst_ok.jsonl",
            _times(
                "2026-03-08 01:30:00",
                "2026-03-08 03:30:00",
                "2026-11-01 00:30:00",
                "2026-11-01 02:30:00",
            ),
            (4, 4, 0, 0),
            timezone="America/New_York",
            notes={"nonexistent_times": 0, "ambiguous_times": 0},
        ),
    ]


def csv_cases() -> list[Case]:
    return [
        Case("csv_clean", "clean.csv", csv_rows(*GOOD_CSV), (2, 2, 0, 0), reader="fast"),
        Case(
            "csv_semicolon",
            "semi.csv",
            csv_rows(*(r.replace(",", ";") for r in GOOD_CSV), head=CSV_HEAD.replace(",", ";")),
            (2, 2, 0, 0),
        ),
        Case(
            "tsv",
            "tabs.tsv",
            csv_rows(*(r.replace(",", "\t") for r in GOOD_CSV), head=CSV_HEAD.replace(",", "\t")),
            (2, 2, 0, 0),
        ),
        Case(
            "csv_header_case_and_spaces",
            "headers.csv",
            csv_rows(*GOOD_CSV, head="Conversation_ID, Timestamp ,ROLE,Text\n"),
            (2, 2, 0, 0),
        ),
        Case(
            "csv_crlf_header_lf_rows",
            "crlf_head.csv",
            CSV_HEAD.replace("\n", "\r\n").encode() + "".join(r + "\n" for r in GOOD_CSV).encode(),
            (2, 2, 0, 0),
        ),
        Case("csv_crlf", "crlf.csv", csv_rows(*GOOD_CSV, newline="\r\n"), (2, 2, 0, 0)),
        Case(
            "csv_unterminated_quote",
            "quote.csv",
            csv_rows(
                GOOD_CSV[0],
                'c1,2026-05-04T10:00:03Z,customer,"oops',
                *[f"c1,2026-05-04T10:01:{i:02d}Z,bot,row {i}" for i in range(10)],
            ),
            (12, 11, 0, 1),
            reject_nos=(2,),
            reader="lines",
        ),
        Case(
            "csv_short_row",
            "short.csv",
            csv_rows(GOOD_CSV[0], "c1,2026-05-04T10:00:03Z", GOOD_CSV[1]),
            (3, 2, 0, 1),
            reject_nos=(2,),
            reader="lines",
        ),
        Case(
            "csv_long_row",
            "long.csv",
            csv_rows(GOOD_CSV[0], "c1,2026-05-04T10:00:03Z,bot,hi,extra,more", GOOD_CSV[1]),
            (3, 2, 0, 1),
            reject_nos=(2,),
        ),
        Case(
            "csv_rejects_keep_numbers",
            "numbers.csv",
            csv_rows(
                "c1,2026-05-04T10:00:03Z",
                "c1,2026-05-04T10:00:04Z",
                GOOD_CSV[0],
                "c1,bad-time,bot,x",
            ),
            (4, 1, 0, 3),
            reject_nos=(1, 2, 4),
        ),
        Case(
            "csv_multiline_text",
            "multi.csv",
            csv_rows('c1,2026-05-04T10:00:01Z,customer,"line one\nline two"', GOOD_CSV[1]),
            (2, 2, 0, 0),
            reader="fast",
        ),
        Case("csv_utf8_bom", "bom.csv", codecs.BOM_UTF8 + csv_rows(*GOOD_CSV), (2, 2, 0, 0)),
        Case(
            "csv_latin1",
            "latin1.csv",
            (CSV_HEAD + "c1,2026-05-04T10:00:01Z,customer,café crème\n").encode("latin-1"),
            (1, 1, 0, 0),
            check_sql="SELECT text FROM events",
            expect=("café crème",),
        ),
        Case(
            "csv_utf16",
            "utf16.csv",
            (CSV_HEAD + GOOD_CSV[0] + "\n").encode("utf-16"),
            (1, 1, 0, 0),
            check_sql="SELECT text FROM events",
            expect=("hello",),
        ),
        Case("csv_blank_lines", "blank.csv", csv_rows(GOOD_CSV[0], "", GOOD_CSV[1]), (2, 2, 0, 0)),
        Case(
            "csv_duplicate_headers",
            "duphead.csv",
            csv_rows(
                "c1,2026-05-04T10:00:01Z,customer,hello,a,b",
                head="conversation_id,timestamp,role,text,note,note\n",
            ),
            (1, 1, 0, 0),
            check_sql="SELECT json_keys(metadata) FROM events",
            expect=(["note", "note_2"],),
        ),
        Case(
            "csv_stray_quote",
            "stray.csv",
            csv_rows(GOOD_CSV[0], 'c1,2026-05-04T10:00:03Z,bot,ab"c', GOOD_CSV[1]),
            (3, 3, 0, 0),  # a quote inside an unquoted field is a literal character
            check_sql="SELECT text FROM events WHERE record_no = 2",
            expect=('ab"c',),
        ),
        Case("csv_header_only", "header_only.csv", csv_rows(), (0, 0, 0, 0)),
        Case(
            "csv_foreign_headers_refused",
            "foreign.csv",
            csv_rows("s1,2026-05-04T10:00:01Z,user,hi", head="session_id,ts,speaker,message\n"),
            refused="handoff init",
        ),
        Case(
            "csv_foreign_headers_mapped",
            "mapped.csv",
            csv_rows(
                "s1,2026-05-04T10:00:01Z,user,hi",
                "s1,2026-05-04T10:00:02Z,Virtual Assistant,hello",
                head="session_id,ts,Speaker,message\n",
            ),
            (2, 1, 0, 1),
            maps=("conversation_id=session_id", "timestamp=ts", "role=speaker", "text=message"),
            reject_nos=(2,),
        ),
        Case("csv_gz", "rows.csv.gz", _gz(csv_rows(*GOOD_CSV)), (2, 2, 0, 0)),
    ]


def binary_cases() -> list[Case]:
    base = "SELECT 'c1' AS conversation_id, '2026-05-04T10:00:0' || i || 'Z' AS timestamp, 'bot' AS role, 'm' || i AS text FROM range(3) t(i)"
    return [
        Case("parquet_clean", "clean.parquet", _parquet(base), (3, 3, 0, 0), reader="fast"),
        Case(
            "parquet_typed_timestamp",
            "typed.parquet",
            _parquet(
                "SELECT 'c1' AS conversation_id, TIMESTAMP '2026-05-04 10:00:00' + to_seconds(i) AS timestamp, 'bot' AS role, 'm' AS text FROM range(2) t(i)"
            ),
            (2, 2, 0, 0),
        ),
        Case(
            "parquet_struct_and_extras",
            "extras.parquet",
            _parquet(base.replace(" FROM range", ", {'a': i} AS metadata, i AS score FROM range")),
            (3, 3, 0, 0),
            check_sql="SELECT metadata->>'$.score' FROM events ORDER BY record_no DESC LIMIT 1",
            expect=("2",),
        ),
        Case(
            "parquet_header_case",
            "case.parquet",
            _parquet(
                base.replace("AS conversation_id", 'AS "Conversation ID"').replace(
                    "AS role", "AS ROLE"
                )
            ),
            (3, 3, 0, 0),
        ),
        Case(
            "parquet_bad_rows",
            "bad.parquet",
            _parquet(
                base.replace(
                    "'bot' AS role", "CASE WHEN i = 1 THEN 'wizard' ELSE 'bot' END AS role"
                )
            ),
            (3, 2, 0, 1),
            reject_nos=(2,),
        ),
        Case("jsonl_gz", "clean.jsonl.gz", _gz(jsonl(*THREE)), (3, 3, 0, 0), reader="fast"),
        Case(
            "jsonl_gz_bad_line",
            "bad.jsonl.gz",
            _gz(jsonl(rec(1), b"{oops", rec(2))),
            (3, 2, 0, 1),
            reject_nos=(2,),
            reader="lines",
        ),
        Case("gz_truncated", "cut.jsonl.gz", _gz(jsonl(*THREE * 50))[:60], refused=""),
    ]


def all_cases() -> list[Case]:
    return jsonl_cases() + time_cases() + csv_cases() + binary_cases()
