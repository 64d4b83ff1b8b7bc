"""Microsoft Bot Framework `.transcript` files: a JSON array of Activity objects.

Also read: `{"activities": [...]}` (a transcript store page) and a single Activity object (one
blob of the Azure Blob transcript store). Every activity becomes one record:

* `message` -> message; `from.role` user -> customer, bot -> bot (another role passes through);
* event `handoff.initiate` (and activity type `handoff`) -> handoff_initiated, its `value` is the
  handoff context; the attached `Transcript` is a second copy of earlier turns and is not loaded;
* event `handoff.status` -> handoff_accepted / handoff_failed / handoff_completed by value.state;
* trace `UnknownIntent` -> bot_fallback; `endOfConversation` -> conversation_ended;
* conversationUpdate, typing, other events and traces -> other (kept, never customer-visible).

Copilot Studio's Dataverse rows hold the same activities; copilot_dataverse.py reuses
`stage_activities` with its own conversation ids and outcomes.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from analyzer.config import Config
from analyzer.ingest import platform
from analyzer.ingest.base import Format

NAME = "botframework"


# The shape check, the file's activities and their records: table macros (and the working table
# `activities`) of queries/ingest/importers/botframework.sql.
_SHAPE = "SELECT * FROM botframework_shape($file)"
_ACTIVITIES = "SELECT * FROM botframework_file_activities($file)"
_RECORDS = f"{platform.INSERT} SELECT * FROM botframework_records($file, $fmt)"


def stage_activities(con: duckdb.DuckDBPyConnection, path: Path, fmt: str, activities: str) -> None:
    """INSERT INTO staged the canonical records of the activities that `activities` selects.

    `activities` is a query over $file with the columns of the working table `activities`:
    conv_id (VARCHAR), rec (BIGINT, the record number in the file), a (JSON, one activity) and
    outcome (VARCHAR, the platform's outcome or NULL).
    """
    platform.define(con, NAME)
    con.execute("DELETE FROM activities")
    try:
        con.execute(f"INSERT INTO activities {activities}", {"file": str(path)})
    except duckdb.Error as exc:
        raise platform.unreadable(str(path), fmt, exc) from exc
    platform.run_stage(con, path, fmt, _RECORDS)
    con.execute("DELETE FROM activities")


def stage(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> None:
    platform.define(con, NAME)
    fields = ["activities (none found)", "type", "conversation.id"]
    platform.require(con, path, NAME, _SHAPE, fields)
    stage_activities(con, path, NAME, _ACTIVITIES)


def sniff(path: Path, head: bytes) -> bool:
    activity = platform.head_has(
        head,
        platform.key("conversation"),
        platform.key("from"),
        r'"type"\s*:\s*"(message|event|trace|conversationUpdate|typing|'
        r'endOfConversation|handoff)"',
    )
    return activity and (platform.head_starts(head, "[") or platform.head_starts(head, "{"))


FORMAT = Format(NAME, "Bot Framework .transcript (JSON array of Activities)", stage, sniff)
