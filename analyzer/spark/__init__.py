"""Spark: `handoff spark-run` for data that outgrew one machine.

- `io`: canonical rows read from any URI Spark reads, normalised by the shared ingest SQL;
- `job`: the derived tables and metrics on Spark, written once as Parquet results;
- `results`: those results opened as an in-memory database for the report;
- `export`: canonical Parquet from a database, for a data lake.
"""
