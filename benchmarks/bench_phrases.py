"""How long each phrase list's regular expression takes over the messages of a log.

    python benchmarks/bench_phrases.py benchmarks/data/messages-1000000-seed7.jsonl
    python benchmarks/bench_phrases.py handoff.duckdb --config handoff.toml

Every `[phrases]` list of the configuration becomes one regular expression (its `{names}` filled
from `[vocabulary]`), and `turns` runs each over every bot or customer message. DuckDB's regex
engine (RE2) matches in linear time with a fast automaton while the expression's states fit in its
memory budget; past it, it falls back to a slower engine, and the same list costs a hundred times
more. One pattern added to a long list is enough to cross that line, and nothing fails: the load
just gets slower. This script times each list over the messages (a canonical JSONL, CSV or Parquet
file, or the `events` of a handoff database) beside a one-word regex, and prints the ratio, so a
change to a phrase list (yours in a `handoff.toml`, or the defaults) shows its cost before it
ships. It asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from analyzer.config import load_config  # noqa: E402

SLOW = 10.0  # ratio to the one-word regex above which a list is reported as slow


def _messages(con: duckdb.DuckDBPyConnection, source: str) -> None:
    path = Path(source)
    if path.suffix == ".duckdb":
        con.execute(f"ATTACH '{path}' AS src (READ_ONLY)")
        con.execute(
            "CREATE TABLE m AS SELECT role, text FROM src.events "
            "WHERE text IS NOT NULL AND role IN ('bot', 'system', 'customer')"
        )
        return
    reader = {".csv": "read_csv", ".parquet": "read_parquet"}.get(path.suffix, "read_json")
    columns = (
        "" if reader == "read_parquet" else ", columns = {'role': 'VARCHAR', 'text': 'VARCHAR'}"
    )
    con.execute(
        f"CREATE TABLE m AS SELECT lower(role) AS role, text FROM {reader}($p{columns}) "
        "WHERE text IS NOT NULL",
        {"p": str(path)},
    )


def _time(con: duckdb.DuckDBPyConnection, pattern: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        con.execute(
            "SELECT count(*) FILTER (WHERE regexp_matches(text, $p)) FROM m", {"p": pattern}
        ).fetchone()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "source", help="canonical JSONL/CSV/Parquet file, or a handoff .duckdb database"
    )
    parser.add_argument("--config", help="a handoff.toml over the defaults")
    parser.add_argument("--runs", type=int, default=3, help="runs per list; the median is printed")
    args = parser.parse_args()

    params = load_config(args.config).sql_params()
    con = duckdb.connect()
    _messages(con, args.source)
    n, size = con.execute("SELECT count(*), sum(strlen(text)) FROM m").fetchone() or (0, 0)
    print(f"{n:,} messages, {(size or 0) / 1e6:.1f} MB of text; median of {args.runs} run(s)")
    base = _time(con, r"\bzzyzx\b", args.runs)
    print(f"{'one-word regex':42s} {base:8.3f} s   1.0x")
    rows = []
    for name, pattern in sorted(params.items()):
        if not (name.endswith("_re") and isinstance(pattern, str)):
            continue
        seconds = _time(con, pattern, args.runs)
        rows.append((name, len(pattern), seconds))
    for name, length, seconds in rows:
        ratio = seconds / base if base > 0 else float("inf")
        mark = "  SLOW: past the regex engine's fast automaton?" if ratio > SLOW else ""
        print(f"{name:42s} {seconds:8.3f} s {ratio:6.1f}x  ({length:,} characters){mark}")


if __name__ == "__main__":
    main()
