"""The Spark path beside DuckDB on the same canonical file, on this one machine.

    python benchmarks/bench_spark.py [N_MESSAGES] [RUNS] [MASTER]

Builds N canonical messages (default 1,000,000) by repeating sample_logs/ under new conversation
ids (so outcomes and flags have realistic shapes), then times, RUNS times each (default 3):

- DuckDB: `handoff load` into a fresh in-memory database (ingest, turns, conversations, flags);
- Spark:  `handoff spark-run` on MASTER (default local[2]): read, normalise, derive, write the
  Parquet results. The SparkSession is started once, outside the timings (printed apart).

Prints the median seconds, messages per second, the Spark / DuckDB ratio, and the number of
Spark jobs and stages of each run. On one machine Spark
is slower; the point is that the same definitions run where the data is, and scale out.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import analyzer
from analyzer.config import load_config

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"


def build(n: int) -> Path:
    """A canonical JSONL file of `n` messages (cached in benchmarks/data/)."""
    target = DATA / f"canonical_{n}.jsonl"
    if target.exists():
        return target
    records = [
        json.loads(line)
        for p in sorted((ROOT / "sample_logs").glob("*.jsonl"))
        for line in p.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    DATA.mkdir(parents=True, exist_ok=True)
    written = 0
    with target.open("w", encoding="utf-8") as fh:
        copy = 0
        while written < n:
            for rec in records:
                if written >= n:
                    break
                rec = dict(rec, conversation_id=f"r{copy}-{rec['conversation_id']}")
                fh.write(json.dumps(rec) + "\n")
                written += 1
            copy += 1
    return target


def time_duckdb(path: Path) -> float:
    start = time.perf_counter()
    with analyzer.open_database(memory=True) as db:
        db.load([str(path)])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("messages", nargs="?", type=int, default=1_000_000, help="N_MESSAGES")
    parser.add_argument("runs", nargs="?", type=int, default=3, help="RUNS of each engine")
    parser.add_argument("master", nargs="?", default="local[2]", help="Spark MASTER")
    args = parser.parse_args()
    n, runs, master = args.messages, args.runs, args.master
    path = build(n)
    print(f"{n:,} canonical messages in {path} ({path.stat().st_size / 1e6:.0f} MB)")

    duck = [time_duckdb(path) for _ in range(runs)]

    from analyzer.engine.spark import spark_session
    from analyzer.spark.job import spark_run

    start = time.perf_counter()
    spark = spark_session(
        None,
        **{
            "spark.master": master,
            "spark.sql.shuffle.partitions": "8",
            "spark.driver.memory": "8g",
        },
    )
    spark.sparkContext.setLogLevel("ERROR")
    startup = time.perf_counter() - start
    config = load_config()
    sparks = []
    plans = []
    try:
        for run in range(runs):
            group = f"bench-run-{run}"
            spark.sparkContext.setJobGroup(group, "handoff spark-run")
            with tempfile.TemporaryDirectory() as tmp:
                start = time.perf_counter()
                spark_run(spark, [str(path)], f"{tmp}/out", config)
                sparks.append(time.perf_counter() - start)
            plans.append(jobs_and_stages(spark, group))
            spark.catalog.clearCache()
    finally:
        spark.stop()

    d, s = statistics.median(duck), statistics.median(sparks)
    print(
        f"duckdb  load+derive          median {d:7.1f} s  {n / d:>10,.0f} messages/s  runs {duck}"
    )
    print(
        f"spark   {master:<10} run+write median {s:7.1f} s  {n / s:>10,.0f} messages/s  runs {sparks}"
    )
    print(
        f"spark session start {startup:.1f} s (not in the timings); spark / duckdb = {s / d:.1f}x"
    )
    for run, (jobs, stages, ran) in enumerate(plans, 1):
        print(f"spark run {run}: {jobs} jobs, {stages} stages ({ran} run, the rest skipped)")


def jobs_and_stages(spark: Any, group: str) -> tuple[int, int, int]:
    """Jobs, stages, and stages that ran tasks (not skipped) of the job group `group`."""
    tracker = spark.sparkContext.statusTracker()
    jobs = tracker.getJobIdsForGroup(group)
    stages = {s for j in jobs if (info := tracker.getJobInfo(j)) for s in info.stageIds}
    ran = sum(
        1
        for s in stages
        if (stage := tracker.getStageInfo(s)) is not None and stage.numCompletedTasks > 0
    )
    return len(jobs), len(stages), ran


if __name__ == "__main__":
    main()
