"""Which SQL statements a load + refresh + metrics spends its time in.

    python benchmarks/profile_statements.py benchmarks/data/messages-1000000-seed7.jsonl
    python benchmarks/profile_statements.py FILE --explain 2 --memory-limit 1GB

Runs the library's own stages (load_files, the refresh steps, metrics) on a fresh on-disk
database with a connection wrapper that times every `execute`, then prints the statements from
slowest to fastest with the process's peak RSS after each. `--explain N` re-runs the N slowest
read-only statements (or the SELECT inside a CREATE TABLE ... AS / INSERT ... SELECT) under
EXPLAIN ANALYZE on the finished database and prints the plans.
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


class TimedConnection:
    """Delegates to a DuckDB connection; records the time of every execute."""

    def __init__(self, con: Any) -> None:
        self._con = con
        self.log: list[tuple[float, int, str, Any]] = []

    def execute(self, sql: str, params: Any = None) -> Any:
        start = time.perf_counter()
        out = self._con.execute(sql, params) if params is not None else self._con.execute(sql)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        self.log.append((time.perf_counter() - start, rss, sql, params))
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def _label(sql: str) -> str:
    name = re.search(r"--\s*name:\s*(\S+)", sql)
    flat = " ".join(line.split("--", 1)[0] for line in sql.splitlines())
    flat = re.sub(r"\s+", " ", flat).strip()
    head = flat[:70]
    return f"[{name.group(1)}] {head}" if name else head


def _select_part(sql: str) -> str | None:
    """The query a statement runs, when it can be re-run harmlessly under EXPLAIN ANALYZE."""
    body = sql.strip().rstrip(";")
    m = re.match(
        r"(?is)^\s*(CREATE (OR REPLACE )?(TEMP )?TABLE \w+ AS|INSERT INTO \w+( BY NAME)?)"
        r"\s*(.*)$",
        body,
    )
    if m:
        body = m.group(5)
    elif not re.match(r"(?is)^\s*(WITH|SELECT)\b", body):
        return None
    return body if re.match(r"(?is)^\s*(WITH|SELECT|--)", body) else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("data", type=Path, help="a canonical JSONL file (see bench_pipeline.py)")
    ap.add_argument(
        "--source",
        type=Path,
        default=HERE.parent,
        help="checkout whose analyzer package is profiled (default: this one)",
    )
    ap.add_argument("--memory-limit", help="SET memory_limit to this first (e.g. 1GB)")
    ap.add_argument(
        "--explain",
        type=int,
        default=0,
        metavar="N",
        help="EXPLAIN ANALYZE the N slowest statements",
    )
    ap.add_argument("--top", type=int, default=15, help="how many statements to list")
    args = ap.parse_args()
    sys.path.insert(0, str(args.source.resolve()))

    import analyzer
    from analyzer import store
    from analyzer.api import metrics_on
    from analyzer.engine import DuckDBEngine
    from analyzer.ingest import load_files
    from analyzer.pipeline import refresh

    with tempfile.TemporaryDirectory(prefix="profile-", dir=args.data.resolve().parent) as tmp:
        db = analyzer.open_database(Path(tmp) / "profile.duckdb")
        if args.memory_limit:
            db.con.execute("SET memory_limit = $m", {"m": args.memory_limit})
        timed = TimedConnection(db.con)
        stages: list[tuple[str, float]] = []
        start = time.perf_counter()
        with store.transaction(timed):  # type: ignore[arg-type]
            load_files(timed, [args.data.resolve()], db.config)  # type: ignore[arg-type]
        stages.append(("load", time.perf_counter() - start))
        start = time.perf_counter()
        with store.transaction(timed):  # type: ignore[arg-type]
            refresh(DuckDBEngine(timed), db.config)  # type: ignore[arg-type]
        stages.append(("refresh", time.perf_counter() - start))
        start = time.perf_counter()
        metrics_on(DuckDBEngine(timed), {"since": None, "until": None, "timezone": "UTC"})  # type: ignore[arg-type]
        stages.append(("metrics", time.perf_counter() - start))

        print("stages: " + ", ".join(f"{n} {s:.2f}s" for n, s in stages))
        print(f"{'seconds':>8} {'share':>6} {'peak RSS':>9}  statement")
        total = sum(t for t, *_ in timed.log)
        ranked = sorted(timed.log, key=lambda r: r[0], reverse=True)
        for secs, rss, sql, _ in ranked[: args.top]:
            print(f"{secs:>8.2f} {secs / total:>6.1%} {rss / 2**30:>7.2f}G  {_label(sql)}")

        explained = 0
        for _secs, _rss, sql, params in ranked:
            if explained >= args.explain:
                break
            body = _select_part(sql)
            if body is None:
                continue
            explained += 1
            print(f"\n=== EXPLAIN ANALYZE {_label(sql)}")
            # The load's temp tables live as long as the connection, unless the load drops them.
            try:
                plan = db.con.execute("EXPLAIN ANALYZE " + body, params).fetchall()
            except Exception as exc:  # e.g. a temp table the statement read has been dropped
                print(f"(cannot re-run: {str(exc).splitlines()[0]})")
                continue
            for _kind, text in plan:
                print(text)
        db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
