-- name: connect
-- description: Amazon Connect chat transcripts (S3 / GetTranscript) and Contact Lens chat output (which wraps the same Transcript list) as canonical records, as DuckDB table macros that analyzer.ingest.importers.connect defines and calls over the load's `documents` of format `fmt` (every Connect file is read once, then all are built in one statement): connect_shape(fmt) is one row per file (source_file; has a Transcript list; has InitialContactId, ContactId or CustomerMetadata.ContactId); connect_records(fmt) is the rows for `staged` in the column order of platform.INSERT. conversation_id is InitialContactId (stable across transfers), else ContactId, else the Contact Lens CustomerMetadata.ContactId. ParticipantRole CUSTOMER is customer, AGENT and SUPERVISOR agent, CUSTOM_BOT bot, SYSTEM system (bot when its DisplayName is BOT). EVENT items: an agent's participant.joined / left are agent_joined / agent_left, transfer.succeeded transfer, transfer.failed transfer_failed, chat.ended conversation_ended, other events 'other'; typing, read and delivered receipts are dropped.
-- params:
CREATE OR REPLACE TEMP MACRO connect_documents(fmt) AS TABLE
SELECT source_file, CAST(doc AS JSON) AS d FROM documents WHERE source_format = fmt;

CREATE OR REPLACE TEMP MACRO connect_items(fmt) AS TABLE
WITH doc AS (SELECT * FROM connect_documents(fmt)),
contact AS (
    SELECT source_file, coalesce(d ->> 'InitialContactId', d ->> 'ContactId',
                    d -> 'CustomerMetadata' ->> 'ContactId') AS conv_id,
           d ->> 'Channel' AS channel,
           json_extract(d, '$.Transcript[*]') AS l,
           -- roles and names of the participants, for items that do not repeat them
           map_from_entries([
               {'key': p ->> 'ParticipantId',
                 'value': {'role': p ->> 'ParticipantRole', 'name': p ->> 'DisplayName'}}
               FOR p IN coalesce(json_extract(d, '$.Participants[*]'), [])
               IF (p ->> 'ParticipantId') IS NOT NULL AND (p ->> 'ParticipantRole') IS NOT NULL
           ]) AS people
    FROM doc
)
SELECT source_file, conv_id, channel, people, unnest(l) AS t, generate_subscripts(l, 1) AS rec
FROM contact;

CREATE OR REPLACE TEMP MACRO connect_shape(fmt) AS TABLE
WITH doc AS (SELECT * FROM connect_documents(fmt))
SELECT source_file, json_type(d -> 'Transcript') = 'ARRAY',
       coalesce(d ->> 'InitialContactId', d ->> 'ContactId',
                d -> 'CustomerMetadata' ->> 'ContactId') IS NOT NULL
FROM doc;

CREATE OR REPLACE TEMP MACRO connect_records(fmt) AS TABLE
WITH items AS (SELECT * FROM connect_items(fmt)),
f AS (
    SELECT *,
        upper(coalesce(t ->> 'ParticipantRole', people[t ->> 'ParticipantId'].role)) AS prole,
        coalesce(t ->> 'DisplayName', people[t ->> 'ParticipantId'].name) AS display_name,
        upper(t ->> 'Type') AS typ,
        lower(t ->> 'ContentType') AS ctype,
        regexp_extract(lower(t ->> 'ContentType'), 'connect\.event\.(.*)$', 1) AS ev
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
SELECT source_file, fmt, rec,
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
ORDER BY source_file, rec;
