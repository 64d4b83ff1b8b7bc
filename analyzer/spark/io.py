"""Canonical rows on Spark: read JSONL or Parquet from any URI Spark reads, normalise them with
queries/ingest/canonical_columns.sql (the same rules and message ids as the DuckDB loader), and
split them into `events` and `rejects` (with reasons).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from analyzer.errors import InputFileError
from analyzer.ingest.mapping import FIELDS, REQUIRED, TEXT_FIELDS
from analyzer.sql import query

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from analyzer.engine.spark import SparkEngine

# The canonical schema's fields, as the DuckDB loader reads them (one list for both engines).
KNOWN = FIELDS
# Inside a folder only these files are read (as `handoff load` does); a file named directly is read.
JSONL_FILES = "*.{jsonl,ndjson,json,jsonl.gz,ndjson.gz,json.gz}"


def input_format(uri: str, fmt: str = "auto") -> str:
    """jsonl or parquet: `fmt` when given; else by the name, or a local folder's files."""
    if fmt != "auto":
        if fmt not in ("jsonl", "parquet"):
            raise InputFileError(f"unknown format {fmt!r} for Spark", "use jsonl or parquet")
        return fmt
    name = uri.rstrip("/").lower().removesuffix(".gz")
    if name.endswith(".parquet"):
        return "parquet"
    local = Path(uri.removeprefix("file://"))
    if local.is_dir() and any(local.rglob("*.parquet")):
        return "parquet"
    return "jsonl"


def _numbered(df: DataFrame) -> DataFrame:
    """Add source_file and record_no (1-based position in its file, the DuckDB loader's rule)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    df = df.withColumn("source_file", F.col("_metadata.file_path")).withColumn(
        "_pos", F.monotonically_increasing_id()
    )
    w = Window.partitionBy("source_file").orderBy("_pos")
    return df.withColumn("record_no", F.row_number().over(w).cast("bigint")).drop("_pos")


def _merge_metadata(meta_text: str, extras_map: str, has_extras: str) -> str:
    """SQL: the metadata object, with the record's extra top-level fields merged over it."""
    meta_obj = (
        f"CASE WHEN {meta_text} IS NULL THEN NULL "
        f"WHEN json_object_keys({meta_text}) IS NOT NULL THEN {meta_text} "
        f"ELSE to_json(named_struct('value', {meta_text})) END"
    )
    if has_extras == "FALSE":
        return meta_obj
    return (
        f"CASE WHEN NOT {has_extras} THEN {meta_obj} "
        f"WHEN {meta_text} IS NULL THEN to_json({extras_map}) "
        f"ELSE to_json(map_concat(map_filter(from_json({meta_obj}, 'map<string,variant>'), "
        f"(k, v) -> NOT array_contains(map_keys({extras_map}), k)), {extras_map})) END"
    )


def _jsonl(spark: SparkSession, uris: list[str]) -> DataFrame:
    from pyspark.sql import functions as F

    reader = spark.read.option("pathGlobFilter", JSONL_FILES).option("recursiveFileLookup", "true")
    lines = _numbered(reader.text(uris).select("value", "_metadata"))
    lines = lines.where(F.trim("value") != "")
    schema = ", ".join(f"`{f}` STRING" for f in KNOWN)
    known = ", ".join(f"'{f}'" for f in KNOWN)
    parsed = lines.selectExpr(
        "value AS raw",
        "source_file",
        "record_no",
        f"from_json(value, '{schema}') AS r",
        "json_object_keys(value) AS keys",
    ).selectExpr(
        "*",
        f"coalesce(size(array_except(keys, array({known}))) > 0, false) AS has_extras",
    )
    extras_map = (
        f"map_filter(from_json(raw, 'map<string,variant>'), "
        f"(k, v) -> NOT array_contains(array({known}), k))"
    )
    return parsed.selectExpr(
        "source_file",
        "'jsonl' AS source_format",
        "record_no",
        "raw",
        "CASE WHEN keys IS NOT NULL THEN NULL "
        "WHEN json_array_length(raw) IS NOT NULL "
        "  OR get_json_object(concat('{\"v\":', raw, '}'), '$.v') IS NOT NULL "
        "THEN 'not a JSON object' ELSE 'not valid JSON' END AS read_error",
        "CASE WHEN keys IS NOT NULL THEN NULL "
        "WHEN json_array_length(raw) IS NOT NULL "
        "  OR get_json_object(concat('{\"v\":', raw, '}'), '$.v') IS NOT NULL "
        "THEN 'not_object' ELSE 'invalid_json' END AS read_code",
        *[f"r.`{f}` AS `{f}`" for f in TEXT_FIELDS],
        f"{_merge_metadata('r.metadata', extras_map, 'has_extras')} AS metadata",
        "r.source_record AS source_record",
    )


def _parquet(spark: SparkSession, uris: list[str]) -> DataFrame:
    from pyspark.sql import types as T

    df = spark.read.option("pathGlobFilter", "*.parquet").parquet(*uris)
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise InputFileError(
            f"{', '.join(uris)}: not canonical Parquet, missing column(s) {', '.join(missing)}"
            f" (found: {', '.join(df.columns[:12]) or 'none'})",
            "rename the columns to conversation_id, timestamp, role, or convert the export first"
            " with `handoff export-canonical`",
        )
    cols = {f.name: f.dataType for f in df.schema.fields}
    df = _numbered(df.select("*", "_metadata"))
    extras = [c for c in cols if c not in KNOWN]

    def text(name: str) -> str:
        kind = cols.get(name)
        if kind is None:
            return f"CAST(NULL AS STRING) AS `{name}`"
        if isinstance(kind, T.TimestampType):  # an instant: say it is UTC
            return f"concat(CAST(`{name}` AS STRING), 'Z') AS `{name}`"
        if isinstance(kind, T.StructType | T.MapType | T.ArrayType):
            return f"to_json(`{name}`) AS `{name}`"
        return f"CAST(`{name}` AS STRING) AS `{name}`"

    extras_map = (
        "map_from_entries(array("
        + ", ".join(
            f"struct('{c}', to_variant_object(`{c}`))"
            if isinstance(cols[c], T.StructType)
            else f"struct('{c}', CAST(`{c}` AS VARIANT))"
            for c in extras
        )
        + "))"
        if extras
        else "NULL"
    )
    all_cols = ", ".join(f"`{c}`" for c in cols)
    has_extras = "TRUE" if extras else "FALSE"
    return df.selectExpr(
        "source_file",
        "'parquet' AS source_format",
        "record_no",
        f"to_json(struct({all_cols})) AS raw",
        "CAST(NULL AS STRING) AS read_error",
        "CAST(NULL AS STRING) AS read_code",
        *[text(f) for f in TEXT_FIELDS],
        f"{_merge_metadata(text('metadata').rsplit(' AS ', 1)[0], extras_map, has_extras)} AS metadata",
        text("source_record"),
    )


def read_canonical(spark: SparkSession, uris: list[str], *, fmt: str = "auto") -> DataFrame:
    """Canonical records from `uris` as text columns, the input of canonical_columns.sql."""
    from pyspark.sql import functions as F

    by_format: dict[str, list[str]] = {}
    for uri in uris:
        by_format.setdefault(input_format(uri, fmt), []).append(uri)
    frames = [
        (_parquet if kind == "parquet" else _jsonl)(spark, group)
        for kind, group in sorted(by_format.items())
    ]
    out = frames[0]
    for frame in frames[1:]:
        out = out.unionByName(frame)
    # Canonical files carry times; a time without a zone is read in `timezone` by
    # canonical_columns.sql, as on DuckDB.
    out = out.withColumn("timestamp_optional", F.lit(False))
    return out


def load_events(
    engine: SparkEngine,
    uris: list[str],
    *,
    fmt: str = "auto",
    timezone: str = "UTC",
    now: dt.datetime | None = None,
) -> dict[str, int]:
    """Fill the `events` and `rejects` views from `uris`; returns read/loaded/duplicates/rejected."""
    spark = engine.spark
    loaded_at = (now or dt.datetime.now(dt.UTC)).replace(tzinfo=None, microsecond=0)
    read_canonical(spark, uris, fmt=fmt).createOrReplaceTempView("canonical_records")
    engine.materialize(
        "normalized",
        query("ingest", "canonical_columns"),
        {"loaded_at": loaded_at, "timezone": timezone},
    )
    engine.register(
        "rejects",
        spark.sql(
            "SELECT source_file, source_format, record_no, reject_reason AS reason, raw, "
            "loaded_at AS rejected_at, reject_code FROM normalized WHERE reject_reason IS NOT NULL"
        ),
    )
    # The dedupe rule of the DuckDB loader (queries/ingest/duplicates.sql), over no stored events.
    engine.clear("stored_events", "conversation_id VARCHAR, message_id VARCHAR")
    engine.materialize("duplicates", query("ingest", "duplicates"))
    engine.register(
        "events",
        spark.sql(
            "SELECT n.* EXCEPT (reject_reason, reject_code, raw, time_note) FROM normalized n"
            " LEFT ANTI JOIN duplicates d"
            " ON n.source_file = d.source_file AND n.record_no = d.record_no"
            " WHERE n.reject_reason IS NULL"
        ),
    )
    row = spark.sql(
        "SELECT (SELECT count(*) FROM normalized) AS read, (SELECT count(*) FROM events) AS loaded,"
        " (SELECT count(*) FROM rejects) AS rejected"
    ).first()
    assert row is not None  # an aggregate without GROUP BY always has its one row
    read, loaded, rejected = int(row["read"]), int(row["loaded"]), int(row["rejected"])
    return {
        "read": read,
        "loaded": loaded,
        "duplicates": read - loaded - rejected,
        "rejected": rejected,
    }
