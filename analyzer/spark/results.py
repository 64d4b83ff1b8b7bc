"""Results written by `handoff spark-run`, opened as an in-memory database for the report.

The Parquet tables are loaded under their usual names (conversations, friction_flags, rejects,
and turns from the capped `drilldown_turns`), so the normal report runs on them unchanged. There
are no raw events: only the drill-down sample of flagged conversations keeps its messages.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from analyzer.api import Database, open_database
from analyzer.config import Config
from analyzer.errors import InputFileError
from analyzer.sql import query


def _files(folder: Path) -> str | None:
    return str(folder / "**" / "*.parquet") if any(folder.rglob("*.parquet")) else None


def open_results(path: str | Path, *, config: Config | str | Path | None = None) -> Database:
    """An in-memory Database holding the spark-run results under `path` (a local folder)."""
    root = Path(path)
    conversations = _files(root / "conversations") if root.is_dir() else None
    if conversations is None:
        raise InputFileError(
            f"{root} holds no spark-run results (no conversations/*.parquet)",
            "pass the --output folder of `handoff spark-run`, copied to this machine",
        )
    db = open_database(memory=True, config=config)
    con = db.con

    def read(folder: str) -> str | None:
        return _files(root / folder)

    try:
        con.execute(
            "CREATE OR REPLACE TABLE conversations AS SELECT * EXCLUDE (week) "
            "FROM read_parquet($f, hive_partitioning = true) ORDER BY conversation_id",
            {"f": conversations},
        )
        if (flags := read("friction_flags")) is not None:
            con.execute(
                "INSERT INTO friction_flags BY NAME SELECT conversation_id, flag, message_id, "
                "detail, score FROM read_parquet($f, hive_partitioning = true)",
                {"f": flags},
            )
        if (turns := read("drilldown_turns")) is not None:
            con.execute(
                "CREATE OR REPLACE TABLE turns AS SELECT * EXCLUDE (week) "
                "FROM read_parquet($f, hive_partitioning = true) ORDER BY conversation_id, seq",
                {"f": turns},
            )
        else:  # nothing flagged: an empty turns table of the usual shape
            db.engine.materialize("turns", query("views", "turns"), db.config.sql_params())
        if (rejects := read("rejects")) is not None:
            con.execute(
                "INSERT INTO rejects BY NAME SELECT * FROM read_parquet($f)", {"f": rejects}
            )
    except duckdb.Error as exc:
        db.close()
        raise InputFileError(
            f"{root}: cannot read the spark-run results ({exc})",
            "write them again with `handoff spark-run` of this version",
        ) from exc
    return db
