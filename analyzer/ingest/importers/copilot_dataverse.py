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
from analyzer.ingest.importers.botframework import activity_records

NAME = "copilot_dataverse"

# Activities per row are numbered below this; record_no = row * _STRIDE + activity.
_STRIDE = 1_000_000

_ROWS = f"""
WITH doc AS (SELECT json AS d FROM {platform.DOC}),
items AS (
    SELECT CASE WHEN json_type(d) = 'ARRAY' THEN json_extract(d, '$[*]')
                ELSE json_extract(d, '$.value[*]') END AS l
    FROM doc
)
SELECT unnest(l) AS r, generate_subscripts(l, 1) AS row_no FROM items
"""

_SHAPE = f"""
WITH x AS ({_ROWS})
SELECT count(*) > 0,
       bool_and((r ->> 'content') IS NOT NULL),
       bool_and(coalesce(r ->> 'name', r ->> 'conversationtranscriptid') IS NOT NULL),
       bool_and(json_type(try_cast(r ->> 'content' AS JSON) -> 'activities') = 'ARRAY')
FROM x
"""

_ACTS = f"""
WITH rows AS ({_ROWS}),
parsed AS (
    SELECT row_no,
           coalesce(CASE WHEN contains(r ->> 'name', '_')
                         THEN regexp_replace(r ->> 'name', '_[^_]*$', '') END,
                    r ->> 'name', r ->> 'conversationtranscriptid') AS conv_id,
           json_extract(CAST(r ->> 'content' AS JSON), '$.activities[*]') AS l
    FROM rows
),
acts AS (
    SELECT conv_id, row_no, unnest(l) AS a, generate_subscripts(l, 1) AS act_no FROM parsed
)
SELECT conv_id, row_no * {_STRIDE} + act_no AS rec, a,
       arg_max(a -> 'value' ->> 'outcome', act_no)
           FILTER (WHERE (a ->> 'valueType') = 'SessionInfo') OVER (PARTITION BY row_no) AS outcome
FROM acts
"""


def stage(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> None:
    platform.require(
        con,
        path,
        NAME,
        _SHAPE,
        ["value (no rows found)", "content", "name", "content.activities"],
    )
    platform.run_stage(con, path, NAME, activity_records(_ACTS))


def sniff(path: Path, head: bytes) -> bool:
    return platform.head_has(head, platform.key("content")) and (
        platform.head_has(head, r'"schematype"\s*:\s*"powervirtualagents"')
        or platform.head_has(head, platform.key("conversationtranscriptid"))
    )


FORMAT = Format(NAME, "Copilot Studio Dataverse conversationtranscript rows (JSON)", stage, sniff)
