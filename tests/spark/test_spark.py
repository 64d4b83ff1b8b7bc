"""The Spark engine gives the same answers as DuckDB: one SparkSession (local[2]) for the module."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

import analyzer
from analyzer.cli import app
from analyzer.config import load_config
from analyzer.spark.results import open_results
from tests.support import FIXTURES, SAMPLE_LOGS

pytest.importorskip("pyspark", reason="the spark extra is not installed")
if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
    pytest.skip("no Java runtime (java on PATH or JAVA_HOME) for Spark", allow_module_level=True)

pytestmark = [pytest.mark.spark, pytest.mark.slow]

OUTCOME = ["conversation_id", "outcome", "handoff_outcome", "resolution", "handed_off", "queue"]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from analyzer.engine.spark import spark_session

    session = spark_session(
        None, **{"spark.master": "local[2]", "spark.sql.shuffle.partitions": "4"}
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def duck() -> Iterator[analyzer.Database]:
    db = analyzer.open_database(memory=True)
    db.load([str(SAMPLE_LOGS)])
    yield db
    db.close()


@pytest.fixture(scope="module")
def results(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from analyzer.spark.job import spark_run

    out = tmp_path_factory.mktemp("spark") / "results"
    summary = spark_run(spark, [str(SAMPLE_LOGS)], str(out), load_config())
    assert summary.rejected == 0 and summary.loaded == summary.read
    return out


def _outcomes(df: pd.DataFrame) -> pd.DataFrame:
    out = df[OUTCOME].astype(object).where(df[OUTCOME].notna(), None)
    return out.sort_values("conversation_id").reset_index(drop=True)


def _flags(df: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(df["conversation_id"], df["flag"], strict=True))


def test_sample_logs_give_identical_outcomes_and_flags(
    duck: analyzer.Database, results: Path
) -> None:
    with open_results(results) as spark_db:  # the Parquet the Spark run wrote
        spark_conv = spark_db.conversations()
        spark_flags = spark_db.flags()
    duck_conv = duck.conversations()
    assert len(spark_conv) == len(duck_conv) > 1000
    pd.testing.assert_frame_equal(_outcomes(spark_conv), _outcomes(duck_conv))
    assert _flags(spark_flags) == _flags(duck.flags())
    assert len(spark_flags) > 100  # every detector ran

    def evidence(df: pd.DataFrame) -> set[tuple[object, ...]]:
        score = df["score"].round(9).astype(object).where(df["score"].notna(), None)
        return set(
            zip(
                df["conversation_id"],
                df["flag"],
                df["message_id"],
                df["detail"],
                score,
                strict=True,
            )
        )

    assert evidence(spark_flags) == evidence(duck.flags())  # same evidence, details and scores
    # The rest of the row agrees too (times to the microsecond, counts, lists).
    cols = [
        "started_at",
        "ended_at",
        "handoff_at",
        "first_agent_at",
        "wait_seconds",
        "bot_turns_before_handoff",
        "customer_messages",
        "bot_messages",
        "agent_messages",
        "agents",
        "channel",
        "intent",
        "bot_version",
        "final_queue",
        "engaged",
        "customer_asked_for_human",
        "friction_count",
    ]
    a = spark_conv.sort_values("conversation_id")[cols].reset_index(drop=True)
    b = duck_conv.sort_values("conversation_id")[cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert list(spark_conv["flags"].map(list)) == list(duck_conv["flags"].map(list))


def test_results_are_partitioned_by_week(results: Path) -> None:
    weeks = sorted(p.name for p in (results / "conversations").glob("week=*"))
    assert weeks and all(w.startswith("week=2026-") for w in weeks)
    for name in ("friction_flags", "drilldown_turns", "rates", "flag_rates", "rejects", "run"):
        assert (results / name).is_dir(), name


def test_metric_tables_match_duckdb(duck: analyzer.Database, results: Path) -> None:
    rates = duckdb.sql(f"SELECT * FROM read_parquet('{results}/rates/*.parquet')").df()
    mine = duck.metrics().rates
    key = ["dimension", "key"]
    a = rates.sort_values(key).reset_index(drop=True)
    b = mine.sort_values(key).reset_index(drop=True)[a.columns]
    pd.testing.assert_frame_equal(a, b, check_dtype=False, rtol=1e-9)


def test_report_from_results_renders(results: Path, tmp_path: Path) -> None:
    out = tmp_path / "lake.html"
    result = CliRunner().invoke(app, ["report", "--from", str(results), "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert out.stat().st_size < 6_000_000 and "</html>" in html


def test_results_give_the_reports_metrics(duck: analyzer.Database, results: Path) -> None:
    key = ["dimension", "key"]
    with open_results(results) as spark_db:
        got = spark_db.metrics().rates.sort_values(key).reset_index(drop=True)
        flagged = spark_db.flags()
        turns = spark_db.con.execute("SELECT DISTINCT conversation_id FROM turns").fetchall()
    want = duck.metrics().rates.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False, rtol=1e-9)
    # every flagged conversation of the sample fits the drill-down cap, so all kept their turns
    assert {r[0] for r in turns} == set(flagged["conversation_id"])


def test_bad_records_are_rejected_with_the_loaders_reasons(spark: Any) -> None:
    from analyzer.engine.spark import SparkEngine
    from analyzer.spark.io import load_events

    engine = SparkEngine(spark)
    counts = load_events(engine, [str(FIXTURES / "mixed.jsonl")])
    db = analyzer.open_database(memory=True)
    summary = db.load([str(FIXTURES / "mixed.jsonl")])
    assert (counts["loaded"], counts["rejected"]) == (summary.loaded, summary.rejected)
    got = spark.sql("SELECT record_no, reason FROM rejects ORDER BY record_no").collect()
    want = db.con.execute("SELECT record_no, reason FROM rejects ORDER BY record_no").fetchall()
    assert [tuple(r) for r in got] == want
    codes = "SELECT record_no, reject_code FROM rejects ORDER BY record_no"
    assert [tuple(r) for r in spark.sql(codes).collect()] == db.con.execute(codes).fetchall()
    ids = {
        tuple(r)
        for r in spark.sql(
            "SELECT conversation_id, message_id, CAST(`timestamp` AS STRING), role FROM events"
        ).collect()
    }
    want_ids = set(
        db.con.execute(
            'SELECT conversation_id, message_id, CAST("timestamp" AS VARCHAR), role FROM events'
        ).fetchall()
    )
    assert ids == want_ids  # the same derived message ids, times and roles
    db.close()


def test_times_without_offset_are_read_in_the_load_time_zone(spark: Any) -> None:
    from analyzer.engine.spark import SparkEngine
    from analyzer.spark.io import load_events

    load_events(SparkEngine(spark), [str(FIXTURES / "mixed.jsonl")], timezone="America/New_York")
    got = {
        tuple(r)
        for r in spark.sql("SELECT message_id, CAST(`timestamp` AS STRING) FROM events").collect()
    }
    db = analyzer.open_database(memory=True)
    db.load([str(FIXTURES / "mixed.jsonl")], timezone="America/New_York")
    want = set(
        db.con.execute('SELECT message_id, CAST("timestamp" AS VARCHAR) FROM events').fetchall()
    )
    db.close()
    assert got == want


def test_export_canonical_round_trips_through_spark(
    spark: Any, duck: analyzer.Database, tmp_path: Path
) -> None:
    from analyzer.engine.spark import SparkEngine
    from analyzer.spark.io import load_events

    result = CliRunner().invoke(
        app, ["export-canonical", str(SAMPLE_LOGS), "--out", str(tmp_path / "lake")]
    )
    assert result.exit_code == 0, result.output
    counts = load_events(SparkEngine(spark), [str(tmp_path / "lake")])
    assert counts["rejected"] == 0
    assert counts["loaded"] == duck.con.execute("SELECT count(*) FROM events").fetchone()[0]
    got = {
        tuple(r)
        for r in spark.sql(
            "SELECT conversation_id, message_id, CAST(`timestamp` AS STRING), role, text FROM events"
        ).collect()
    }
    want = set(
        duck.con.execute(
            'SELECT conversation_id, message_id, CAST("timestamp" AS VARCHAR), role, text FROM events'
        ).fetchall()
    )
    assert got == want
