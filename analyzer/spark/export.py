"""Canonical Parquet from a database's events: what `handoff spark-run` reads in a data lake."""

from __future__ import annotations

from pathlib import Path

from analyzer.api import Database

# Times are written as UTC instants, so every reader knows their zone.
_CANONICAL = """
COPY (
    SELECT conversation_id, message_id, CAST("timestamp" AS TIMESTAMPTZ) AS "timestamp", role,
           text, event, queue, participant_id, intent, channel, CAST(metadata AS VARCHAR) AS metadata,
           handoff_context, platform_outcome, CAST(source_record AS VARCHAR) AS source_record
    FROM events
    ORDER BY conversation_id, "timestamp", message_id
) TO '{path}' (FORMAT parquet, COMPRESSION zstd)
"""


def export_canonical(db: Database, out: Path) -> Path:
    """Write every event of `db` to `out`/events.parquet in the canonical schema."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / "events.parquet"
    # COPY takes no bound file name; the path is ours (a folder the user named), quoted.
    db.con.execute("SET TimeZone = 'UTC'")
    db.con.execute(_CANONICAL.format(path=str(target).replace("'", "''")))
    return target
