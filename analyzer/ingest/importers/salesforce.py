"""Salesforce Messaging `ConversationEntry` records, exported as CSV (Data Loader, Workbench,
`sf data export`) or as JSON (a REST or `sf data query --json` result, or a JSON array).

ConversationId -> conversation_id. ActorType Agent and Supervisor -> agent, Bot -> bot, EndUser
-> customer, System -> system; participant_id is ActorName, else ActorId. EntryType: Text ->
message; BotEscalated -> handoff_initiated; ChatbotEndedTransferNotConfigured -> handoff_failed
(the bot had nowhere to transfer to); PARTICIPANT_CHANGED of an agent -> agent_joined (agent_left
when its payload removes the participant); ChatbotEndedChatByAction and ChatbotClosedIdleSession
-> conversation_ended; other entry types -> other. EntryTime (ISO or epoch milliseconds) is the
time; Seq orders entries of the same time. Column names are matched in any case (Data Loader
writes them in capitals).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from analyzer.config import Config
from analyzer.ingest import platform
from analyzer.ingest.base import Format, read_head

NAME = "salesforce"

# Each CSV row becomes one document (a JSON object with lower-case keys), so the CSV and the
# JSON exports are staged by the same statement.
_CSV_ROWS = """
INSERT INTO documents
SELECT $file, $fmt, row_number() OVER (), CAST(to_json(t) AS VARCHAR)
FROM read_csv($file, header = true, all_varchar = true, normalize_names = true, delim = ',',
              quote = '"', escape = '"', max_line_size = 8388608) t
"""


def _field(name: str) -> str:
    """A field of entry `e` as text: JSON exports spell it as the API name, CSV in lower case."""
    return f"coalesce(e ->> '{name}', e ->> '{name.lower()}')"


_ENTRIES = f"""
WITH docs AS (
    SELECT source_file, line_no, CAST(doc AS JSON) AS d
    FROM documents WHERE source_format = $fmt
),
lists AS (
    SELECT source_file, line_no, CASE
        WHEN json_type(d) = 'ARRAY' THEN json_extract(d, '$[*]')
        WHEN json_type(d -> 'records') = 'ARRAY' THEN json_extract(d, '$.records[*]')
        WHEN json_type(d -> 'result' -> 'records') = 'ARRAY'
            THEN json_extract(d, '$.result.records[*]')
        ELSE [d]
    END AS l
    FROM docs
),
entries AS (
    SELECT source_file, line_no, unnest(l) AS e, generate_subscripts(l, 1) AS k FROM lists
)
SELECT source_file, line_no * 1000000 + k AS pos, e,
       {_field("ConversationId")} AS conv_id,
       {_field("ActorType")} AS actor_type,
       {_field("EntryType")} AS entry_type
FROM entries
"""

_SHAPE = f"""
SELECT source_file, count(*) > 0, bool_or(conv_id IS NOT NULL), bool_or(actor_type IS NOT NULL),
       bool_or(entry_type IS NOT NULL)
FROM ({_ENTRIES})
GROUP BY source_file
"""

_STAGE = f"""
{platform.INSERT}
WITH f AS (
    SELECT *,
        {_field("Seq")} AS seq,
        lower(replace(entry_type, '_', '')) AS et,
        CASE lower(replace(actor_type, '_', ''))
            WHEN 'agent' THEN 'agent'
            WHEN 'supervisor' THEN 'agent'
            WHEN 'bot' THEN 'bot'
            WHEN 'chatbot' THEN 'bot'
            WHEN 'enduser' THEN 'customer'
            WHEN 'system' THEN 'system'
            ELSE lower(actor_type)
        END AS role,
        coalesce({_field("EntryPayload")}, e ->> 'entry_payload') AS payload
    FROM ({_ENTRIES})
),
m AS (
    SELECT *,
        CASE
            WHEN et IN ('text', 'message') THEN 'message'
            WHEN et = 'botescalated' THEN 'handoff_initiated'
            WHEN et = 'chatbotendedtransfernotconfigured' THEN 'handoff_failed'
            WHEN et IN ('participantchanged', 'participantjoined', 'agentjoined')
                 AND role = 'agent' THEN
                CASE WHEN regexp_matches(coalesce(payload, ''), '"operation"\\s*:\\s*"remove"')
                     THEN 'agent_left' ELSE 'agent_joined' END
            WHEN et IN ('participantleft', 'agentleft') AND role = 'agent' THEN 'agent_left'
            WHEN et IN ('chatbotendedchatbyaction', 'chatbotclosedidlesession')
                THEN 'conversation_ended'
            ELSE 'other'
        END AS event,
        -- entries of the same time keep Seq order, then file order
        row_number() OVER (PARTITION BY source_file
                           ORDER BY conv_id, try_cast(seq AS BIGINT) NULLS LAST, pos) AS rec
    FROM f
)
SELECT source_file, $fmt, rec,
    json_object(
        'conversation_id', conv_id,
        'message_id', coalesce({_field("Id")}, conv_id || ':' || coalesce(seq, CAST(pos AS VARCHAR))),
        'timestamp', coalesce({_field("EntryTime")}, {_field("ClientTimestamp")}),
        'role', role,
        'text', {_field("Message")},
        'event', event,
        'participant_id', coalesce({_field("ActorName")}, {_field("ActorId")}),
        'metadata', json_object('actor_type', actor_type, 'actor_id', {_field("ActorId")},
                                'actor_name', {_field("ActorName")}, 'entry_type', entry_type,
                                'seq', seq, 'has_attachments', {_field("HasAttachments")},
                                'customer_id', CASE WHEN role = 'customer' THEN {_field("ActorId")} END),
        'source_record', json_merge_patch(e, '{{"attributes": null}}')
    ),
    CASE WHEN json_type(e) <> 'OBJECT' THEN 'entry is not a JSON object' END,
    false
FROM m
"""


def _is_json(head: bytes) -> bool:
    return platform.head_starts(head, "{") or platform.head_starts(head, "[")


def stage(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> None:
    if _is_json(read_head(path, 4096)):
        platform.stage_document(con, path, NAME)
    else:
        platform.run_stage(con, path, NAME, _CSV_ROWS)


def finish(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    fields = ["entries (none found)", "ConversationId", "ActorType", "EntryType"]
    platform.finish_documents(con, NAME, _SHAPE, fields, _STAGE)


_NEEDED = {"conversationid", "actortype", "entrytype"}


def sniff(path: Path, head: bytes) -> bool:
    if _is_json(head):
        return platform.head_has(
            head,
            platform.key("ConversationId"),
            platform.key("ActorType"),
            platform.key("EntryType"),
        )
    # CSV: only by the header, so a canonical CSV is never taken for this format
    first = head.decode("utf-8", errors="ignore").lstrip("\ufeff").split("\n", 1)[0]
    names = {c.strip().strip('"').strip().lower() for c in first.split(",")}
    return _NEEDED.issubset(names)


FORMAT = Format(
    NAME, "Salesforce ConversationEntry records (CSV or JSON)", stage, sniff, finish=finish
)
