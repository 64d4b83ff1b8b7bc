"""`handoff spark-run`: canonical events where they live -> the derived tables and metrics, as
Parquet under one output folder that `handoff report --from` reads on a laptop.

Layout of the output folder (any URI Spark writes):

    conversations/week=YYYY-MM-DD/   one row per conversation (week = Monday of started_at, UTC)
    friction_flags/week=.../         the detectors' flags, partitioned like their conversation
    drilldown_turns/week=.../        the turns of each week's worst flagged conversations (capped)
    rates/, flag_rates/              the metric tables for the whole input (small, one file)
    rejects/                         records that could not load, with the reason
    run/                             one row: counts, when, from what
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analyzer.config import Config
from analyzer.engine.spark import SparkEngine
from analyzer.pipeline import derive
from analyzer.report.limits import MAX_DRILLDOWN
from analyzer.spark.io import load_events
from analyzer.sql import query

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

METRICS = ("rates", "flag_rates")
WEEK = "CAST(date_trunc('WEEK', started_at) AS DATE)"
# Per week, the worst flagged conversations that keep their messages for the report's drill-down.
DRILLDOWN_PER_WEEK = MAX_DRILLDOWN


@dataclass(frozen=True)
class SparkRunSummary:
    read: int
    loaded: int
    duplicates: int
    rejected: int
    conversations: int
    flags: int
    output: str


def spark_run(
    spark: SparkSession,
    uris: list[str],
    output: str,
    config: Config,
    *,
    fmt: str = "auto",
    timezone: str | None = None,
    drilldown_per_week: int = DRILLDOWN_PER_WEEK,
    now: dt.datetime | None = None,
) -> SparkRunSummary:
    """Load `uris`, derive everything on Spark and write the results under `output`."""
    engine = SparkEngine(spark)
    now = (now or dt.datetime.now(dt.UTC)).replace(tzinfo=None, microsecond=0)
    counts = load_events(engine, uris, fmt=fmt, timezone=timezone or config.timezone, now=now)
    derive(engine, config)
    out = output.rstrip("/")

    def write(name: str, sql: str, *, by_week: bool, files: int | None = None) -> None:
        df = spark.sql(sql)
        if files:
            df = df.coalesce(files)
        writer = df.write.mode("overwrite")
        if by_week:
            writer = writer.partitionBy("week")
        writer.parquet(f"{out}/{name}")

    engine.register("conversations_out", spark.sql(f"SELECT *, {WEEK} AS week FROM conversations"))
    write("conversations", "SELECT * FROM conversations_out", by_week=True)
    write(
        "friction_flags",
        "SELECT f.*, c.week FROM friction_flags f JOIN conversations_out c USING (conversation_id)",
        by_week=True,
    )
    # The report's drill-down ranking (queries/report/flagged_conversations.sql), kept per week:
    # any report over whole weeks finds its worst conversations' messages here.
    weights = engine.fetch(query("metrics", "friction_cost"), {"since": None, "until": None})
    ranking = {
        "since": None,
        "until": None,
        "max_conversations": int(drilldown_per_week),
        "per_week": True,
        "severity_flags": [str(f) for f in weights["flag"]],
        "severity_weights": [float(h) for h in weights["harm"].fillna(0.0)],
    }
    engine.register(
        "drilldown_ranked", engine.frame(query("report", "flagged_conversations"), ranking)
    )
    write(
        "drilldown_turns",
        """
        SELECT t.*, c.week FROM turns t
        JOIN drilldown_ranked r USING (conversation_id)
        JOIN conversations_out c USING (conversation_id)
        """,
        by_week=True,
    )
    bounds = {"since": None, "until": None, "timezone": "UTC", **config.sql_params()}
    for name in METRICS:
        df = engine.frame(query("metrics", name), bounds)
        df.coalesce(1).write.mode("overwrite").parquet(f"{out}/{name}")
    write("rejects", "SELECT * FROM rejects", by_week=False)
    n_conv = spark.table("conversations").count()
    n_flags = spark.table("friction_flags").count()
    run = spark.createDataFrame(
        [
            (
                now,
                ",".join(uris),
                config.source,
                counts["read"],
                counts["loaded"],
                counts["duplicates"],
                counts["rejected"],
                n_conv,
                n_flags,
                drilldown_per_week,
            )
        ],
        "generated_at TIMESTAMP_NTZ, inputs STRING, config STRING, records_read BIGINT, "
        "loaded BIGINT, duplicates BIGINT, rejected BIGINT, conversations BIGINT, "
        "friction_flags BIGINT, drilldown_per_week BIGINT",
    )
    run.coalesce(1).write.mode("overwrite").parquet(f"{out}/run")
    return SparkRunSummary(
        read=counts["read"],
        loaded=counts["loaded"],
        duplicates=counts["duplicates"],
        rejected=counts["rejected"],
        conversations=n_conv,
        flags=n_flags,
        output=out,
    )
