"""Amazon Connect chat transcripts (S3 / GetTranscript) and the Contact Lens chat output that
wraps the same `Transcript` list.

conversation_id is InitialContactId (stable across transfers), else ContactId, else the Contact
Lens `CustomerMetadata.ContactId`. ParticipantRole CUSTOMER -> customer, AGENT and SUPERVISOR ->
agent, CUSTOM_BOT -> bot, SYSTEM -> system (bot when its DisplayName is BOT). EVENT items:
participant.joined / left of an agent -> agent_joined / agent_left, transfer.succeeded ->
transfer, transfer.failed -> transfer_failed, chat.ended -> conversation_ended, other events ->
other; typing, read and delivered receipts are dropped.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from analyzer.config import Config
from analyzer.ingest import platform
from analyzer.ingest.base import Format

NAME = "connect"

# The documents of every Connect file of the load (each file is read once, by `stage`).
_DOCS = "SELECT source_file, CAST(doc AS JSON) AS d FROM documents WHERE source_format = $fmt"

_ITEMS = f"""
WITH doc AS ({_DOCS}),
contact AS (
    SELECT source_file, coalesce(d ->> 'InitialContactId', d ->> 'ContactId',
                    d -> 'CustomerMetadata' ->> 'ContactId') AS conv_id,
           d ->> 'Channel' AS channel,
           json_extract(d, '$.Transcript[*]') AS l,
           -- roles and names of the participants, for items that do not repeat them
           map_from_entries([
               {{'key': p ->> 'ParticipantId',
                 'value': {{'role': p ->> 'ParticipantRole', 'name': p ->> 'DisplayName'}}}}
               FOR p IN coalesce(json_extract(d, '$.Participants[*]'), [])
               IF (p ->> 'ParticipantId') IS NOT NULL AND (p ->> 'ParticipantRole') IS NOT NULL
           ]) AS people
    FROM doc
)
SELECT source_file, conv_id, channel, people, unnest(l) AS t, generate_subscripts(l, 1) AS rec
FROM contact
"""

_SHAPE = f"""
WITH doc AS ({_DOCS})
SELECT source_file, json_type(d -> 'Transcript') = 'ARRAY',
       coalesce(d ->> 'InitialContactId', d ->> 'ContactId',
                d -> 'CustomerMetadata' ->> 'ContactId') IS NOT NULL
FROM doc
"""

_STAGE = f"""
{platform.INSERT}
WITH items AS ({_ITEMS}),
f AS (
    SELECT *,
        upper(coalesce(t ->> 'ParticipantRole', people[t ->> 'ParticipantId'].role)) AS prole,
        coalesce(t ->> 'DisplayName', people[t ->> 'ParticipantId'].name) AS display_name,
        upper(t ->> 'Type') AS typ,
        lower(t ->> 'ContentType') AS ctype,
        regexp_extract(lower(t ->> 'ContentType'), 'connect\\.event\\.(.*)$', 1) AS ev
    FROM items
),
m AS (
    SELECT *,
        CASE prole
            WHEN 'CUSTOMER' THEN 'customer'
            WHEN 'AGENT' THEN 'agent'
            WHEN 'SUPERVISOR' THEN 'agent'
            WHEN 'CUSTOM_BOT' THEN 'bot'
            WHEN 'SYSTEM' THEN CASE WHEN upper(display_name) = 'BOT' THEN 'bot' ELSE 'system' END
            ELSE coalesce(lower(prole), 'system')
        END AS role,
        CASE
            WHEN typ = 'EVENT' THEN
                CASE
                    WHEN ev = 'participant.joined' AND prole IN ('AGENT', 'SUPERVISOR')
                        THEN 'agent_joined'
                    WHEN ev = 'participant.left' AND prole IN ('AGENT', 'SUPERVISOR')
                        THEN 'agent_left'
                    WHEN ev = 'transfer.succeeded' THEN 'transfer'
                    WHEN ev = 'transfer.failed' THEN 'transfer_failed'
                    WHEN ev = 'chat.ended' THEN 'conversation_ended'
                    ELSE 'other'
                END
            WHEN typ IN ('MESSAGE', 'ATTACHMENT') THEN 'message'
            ELSE 'other'
        END AS event
    FROM f
    -- receipts and typing indicators say nothing about the conversation
    WHERE coalesce(ev, '') NOT IN ('typing', 'message.delivered', 'message.read')
      AND ctype NOT LIKE '%connect.event.typing%'
)
SELECT source_file, $fmt, rec,
    json_object(
        'conversation_id', conv_id,
        'message_id', coalesce(nullif(t ->> 'Id', ''), conv_id || ':' || rec),
        'timestamp', t -> 'AbsoluteTime',
        'role', role,
        'text', CASE WHEN typ = 'ATTACHMENT'
                     THEN coalesce(t -> 'Attachments' -> 0 ->> 'AttachmentName', t ->> 'Content')
                     ELSE t ->> 'Content' END,
        'event', event,
        'channel', lower(channel),
        'participant_id', t ->> 'ParticipantId',
        'metadata', json_object('display_name', display_name, 'participant_role', prole,
                                'content_type', t ->> 'ContentType', 'item_type', typ),
        'source_record', t
    ),
    CASE WHEN json_type(t) <> 'OBJECT' THEN 'transcript item is not a JSON object' END,
    false
FROM m
ORDER BY source_file, rec
"""


def stage(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> None:
    platform.stage_document(con, path, NAME)


def finish(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    fields = ["Transcript", "InitialContactId or ContactId"]
    platform.finish_documents(con, NAME, _SHAPE, fields, _STAGE)


def sniff(path: Path, head: bytes) -> bool:
    return platform.head_starts(head, "{") and platform.head_has(
        head, platform.key("Transcript"), r"ParticipantRole|AbsoluteTime"
    )


FORMAT = Format(
    NAME,
    "Amazon Connect chat transcript or Contact Lens chat output",
    stage,
    sniff,
    finish=finish,
)
