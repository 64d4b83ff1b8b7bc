"""`handoff spark-run` and `handoff export-canonical`: the commands for data that outgrew one machine."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from analyzer.cli.common import handled
from analyzer.config import load_config
from analyzer.errors import HandoffError


def spark_run(
    inputs: Annotated[
        list[str],
        typer.Option(
            "--input",
            "-i",
            help="Canonical JSONL or Parquet: files, folders, globs, any URI Spark reads.",
        ),
    ],
    output: Annotated[
        str,
        typer.Option(
            "--out", "--output", "-o", help="Folder (any URI Spark writes) for the results."
        ),
    ],
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", help="A handoff.toml; its [spark] table sets master, app_name, conf."
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="auto, jsonl or parquet.")] = "auto",
    timezone: Annotated[
        str | None,
        typer.Option(
            "--timezone", help="Time zone of input times without an offset [default: UTC]."
        ),
    ] = None,
    master: Annotated[
        str | None,
        typer.Option(
            "--master", help="Spark master, e.g. local[4] (else spark-submit's or [spark])."
        ),
    ] = None,
    drilldown_per_week: Annotated[
        int, typer.Option(help="Flagged conversations per week whose messages the report can show.")
    ] = 150,
) -> None:
    """Run the whole analysis on Spark; write conversations, flags and metrics as Parquet by week."""
    from analyzer.engine.spark import java_available, spark_session
    from analyzer.spark.job import spark_run as run

    with handled():
        cfg = load_config(config)
        if not java_available():
            raise HandoffError(
                "Spark needs a Java runtime and none was found", "install Java 17 or set JAVA_HOME"
            )
        spark = spark_session(cfg, **({"spark.master": master} if master else {}))
        try:
            summary = run(
                spark,
                inputs,
                output,
                cfg,
                fmt=fmt,
                timezone=timezone,
                drilldown_per_week=drilldown_per_week,
            )
        finally:
            spark.stop()
        typer.echo(
            f"{summary.read} records read, {summary.loaded} loaded, {summary.duplicates} duplicates"
            f" skipped, {summary.rejected} rejected; {summary.conversations} conversations,"
            f" {summary.flags} friction flags.",
            err=True,
        )
        typer.echo(f"Wrote {summary.output}")


def export_canonical(
    paths: Annotated[
        list[str],
        typer.Argument(help="Files, folders or globs in any format `handoff load` reads."),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write events.parquet into.")],
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="Input format: auto, jsonl, csv, parquet or a platform format."
        ),
    ] = "auto",
    timezone: Annotated[
        str | None,
        typer.Option(
            "--timezone", help="Time zone of timestamps without an offset [default: UTC]."
        ),
    ] = None,
    config: Annotated[Path | None, typer.Option("--config", help="A handoff.toml.")] = None,
) -> None:
    """Convert any loadable input (platform exports too) to canonical Parquet for a data lake."""
    from analyzer import render_text
    from analyzer.api import open_database
    from analyzer.spark.export import export_canonical as export

    with handled(), open_database(memory=True, config=config) as database:
        summary = database.load(paths, fmt=fmt, timezone=timezone)
        typer.echo(render_text.load_summary(summary), err=True)
        written = export(database, out)
        typer.echo(f"Wrote {written}")


def register(app: typer.Typer) -> None:
    """Add the commands to the `handoff` app."""
    app.command("spark-run")(spark_run)
    app.command("export-canonical")(export_canonical)


def _submit_main() -> None:
    """`spark-submit .../analyzer/cli/spark.py --input ... --output ...` runs spark-run."""
    typer.run(spark_run)


if __name__ == "__main__":
    _submit_main()
