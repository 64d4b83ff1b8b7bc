"""The Spark engine: the same `queries/` files, transpiled to Spark SQL, on a SparkSession.

Tables are temp views. A materialised table is computed once and kept (local checkpoint), so
later steps never re-run the phrase regexes. Needs the `spark` extra:
`pip install 'handoff-analyzer[spark]'`.

Parameters: sqlglot turns `$name` into Spark's `:name` marker and `spark.sql(sql, args=...)` binds
it. Strings, numbers, booleans, datetimes and None bind as literals; a list binds as an array
literal (a Python list of strings works on Spark 4; an empty list is sent as `array()` cast by
the query's own use, see `_arg`).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlglot
from sqlglot import exp

from analyzer.config import Config, load_config
from analyzer.engine.transpile import to_spark_parts
from analyzer.errors import HandoffError
from analyzer.sql import Query, bind, query

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

Params = Mapping[str, Any]

# Settings every run needs for results identical to DuckDB's: times are UTC, Parquet timestamps
# are plain microseconds (DuckDB reads them as TIMESTAMP).
REQUIRED_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
}
# Used only when nothing else (spark-submit, spark-defaults.conf, [spark]) sets them.
FALLBACK_CONF = {"spark.sql.shuffle.partitions": "8"}
# On one machine (a local master), adaptive execution re-plans each stage as a job of its own:
# off, a spark-run on the sample logs ran 131 jobs and 277 stages instead of 304 and 470, and
# finished sooner. A cluster keeps Spark's default.
LOCAL_FALLBACK_CONF = {"spark.sql.adaptive.enabled": "false"}


def _need_pyspark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise HandoffError(
            "Spark support is not installed", "pip install 'handoff-analyzer[spark]'"
        ) from exc


def java_available() -> bool:
    """A Java runtime Spark can start (JAVA_HOME or `java` on PATH)."""
    import os

    return bool(os.environ.get("JAVA_HOME") or shutil.which("java"))


def spark_session(config: Config | None = None, **overrides: str) -> SparkSession:
    """The SparkSession for a run: spark-submit / SPARK_HOME settings, then `[spark]` in the config.

    `[spark]` may hold `master`, `app_name` and a `conf` table of any Spark settings. Without a
    master (and not under spark-submit) Spark runs in local mode on this machine.
    """
    _need_pyspark()
    from pyspark.sql import SparkSession

    settings = (config or load_config()).spark
    builder = SparkSession.builder.appName(settings.app_name)
    if settings.master:
        builder = builder.master(settings.master)
    conf = dict(settings.conf)
    conf.update(overrides)
    conf.update(REQUIRED_CONF)
    for key, value in conf.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    for key, value in REQUIRED_CONF.items():  # a session that already existed
        spark.conf.set(key, value)
    given = spark.sparkContext.getConf()
    fallback = dict(FALLBACK_CONF)
    if (spark.sparkContext.master or "").startswith("local"):
        fallback.update(LOCAL_FALLBACK_CONF)
    for key, value in fallback.items():
        if not given.contains(key) and key not in conf:
            spark.conf.set(key, value)
    return spark


def _arg(value: Any) -> Any:
    """A Python value as a Spark SQL argument."""
    from pyspark.sql import functions as F

    if isinstance(value, list | tuple):
        if not value:
            return F.array()  # array<void>: still fine for array_contains and IN
        return [str(v) if not isinstance(v, int | float | bool) else v for v in value]
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _spark_type(kind: exp.DataType) -> str:
    return "STRING" if kind.is_type(exp.DataType.Type.JSON) else kind.sql("spark")


def spark_columns(columns: str) -> str:
    """DuckDB column definitions ("a VARCHAR, b BIGINT") as a Spark DDL string."""
    create = sqlglot.parse_one(f"CREATE TABLE t ({columns})", read="duckdb")
    return ", ".join(
        f"`{c.name}` {_spark_type(c.args['kind'])}"
        for c in create.this.expressions
        if isinstance(c, exp.ColumnDef)
    )


@cache
def table_schema(table: str) -> str:
    """`table`'s columns from queries/views/schema.sql as a Spark DDL string (one definition)."""
    for stmt in sqlglot.parse(query("views", "schema").sql, read="duckdb"):
        if isinstance(stmt, exp.Create) and stmt.this.this.name == table:
            cols = stmt.this.expressions
            return ", ".join(
                f"`{c.name}` {_spark_type(c.args['kind'])}"
                for c in cols
                if isinstance(c, exp.ColumnDef)
            )
    raise KeyError(table)


class SparkEngine:
    """Runs the project's queries on Spark. Tables are temp views of `spark`."""

    name = "spark"

    def __init__(self, spark: SparkSession) -> None:
        self.spark = spark

    def frame(self, q: Query, params: Params | None = None, *, ordered: bool = True) -> DataFrame:
        """The query as a lazy Spark DataFrame.

        Its shared CTEs (read more than once, or marked MATERIALIZED) are computed first, once
        each, and kept; the query reads them by name, then the names are dropped (the frame
        holds what it read).
        """
        parts = to_spark_parts(q.sql, drop_order=not ordered)
        bound = {k: _arg(v) for k, v in bind(q, dict(params or {})).items()} or None
        try:
            for name, sql in parts.shared:
                self.register(name, self.spark.sql(sql, args=bound))
            return self.spark.sql(parts.main, args=bound)
        finally:
            for name, _ in parts.shared:
                self.spark.catalog.dropTempView(name)

    def register(self, table: str, df: DataFrame) -> None:
        df.localCheckpoint(eager=True).createOrReplaceTempView(table)

    def materialize(
        self, table: str, q: Query, params: Params | None = None, *, temp: bool = False
    ) -> None:
        self.register(table, self.frame(q, params, ordered=False))

    def fetch(self, q: Query, params: Params | None = None) -> pd.DataFrame:
        return self.frame(q, params).toPandas()

    def execute(self, sql: str, params: Params | None = None) -> None:
        self.spark.sql(sql, args={k: _arg(v) for k, v in (params or {}).items()} or None)

    def clear(self, table: str, columns: str | None = None) -> None:
        schema = spark_columns(columns) if columns else table_schema(table)
        self.spark.createDataFrame([], schema).createOrReplaceTempView(table)

    def drop(self, table: str) -> None:
        self.spark.catalog.dropTempView(table)

    def append(
        self, table: str, steps: Sequence[tuple[Query, Params | None]], columns: Sequence[str]
    ) -> None:
        current = self.spark.table(table)
        union = current
        for q, params in steps:
            new = self.frame(q, params, ordered=False).select(*[f"`{c}`" for c in columns])
            cast = new.select(*[new[c].cast(current.schema[c].dataType).alias(c) for c in columns])
            union = union.unionByName(cast, allowMissingColumns=True)
        self.register(table, union)
