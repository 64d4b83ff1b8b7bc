"""Copilot Studio (Power Virtual Agents) transcripts from the Dataverse `conversationtranscript`
table: a Web API read (`{"value": [...]}`) or a JSON array of its rows.

Each row's `content` is a JSON *string* of `{"activities": [...]}`: Bot Framework activities with
`from.role` 0 = bot, 1 = user and epoch-second timestamps. The conversation id is the first part
of the row's `name` (`<conversationId>_<botId>`). The `SessionInfo` trace's outcome (Resolved,
Escalated, Abandoned, None) becomes platform_outcome on every record of the conversation.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from analyzer.config import Config
from analyzer.ingest import platform
from analyzer.ingest.base import Format
from analyzer.ingest.importers.botframework import stage_activities

NAME = "copilot_dataverse"

# The shape check and the rows' activities (record_no = row * 1000000 + activity): table macros
# of queries/ingest/importers/copilot_dataverse.sql; botframework builds their records.
_SHAPE = "SELECT * FROM copilot_dataverse_shape($file)"
_ACTS = "SELECT * FROM copilot_dataverse_activities($file)"


def stage(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> None:
    platform.define(con, NAME)
    platform.require(
        con,
        path,
        NAME,
        _SHAPE,
        ["value (no rows found)", "content", "name", "content.activities"],
    )
    stage_activities(con, path, NAME, _ACTS)


def sniff(path: Path, head: bytes) -> bool:
    return platform.head_has(head, platform.key("content")) and (
        platform.head_has(head, r'"schematype"\s*:\s*"powervirtualagents"')
        or platform.head_has(head, platform.key("conversationtranscriptid"))
    )


FORMAT = Format(NAME, "Copilot Studio Dataverse conversationtranscript rows (JSON)", stage, sniff)
