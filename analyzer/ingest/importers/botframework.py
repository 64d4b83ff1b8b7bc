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
`activity_records` with its own conversation ids and outcomes.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from analyzer.config import Config
from analyzer.ingest import platform
from analyzer.ingest.base import Format

NAME = "botframework"


def activity_records(acts: str) -> str:
    """INSERT INTO staged the canonical records of `acts`.

    `acts` is a relation with columns conv_id (VARCHAR), rec (BIGINT, the record number in the
    file), a (JSON, one activity) and outcome (VARCHAR, the platform's outcome or NULL).
    """
    return f"""
{platform.INSERT}
WITH acts AS ({acts}),
f AS (
    SELECT conv_id, rec, a, outcome,
           json_type(a) = 'OBJECT' AS is_object,
           a ->> 'type' AS typ, a ->> 'name' AS ename, a ->> 'valueType' AS vtype,
           a -> 'value' AS val, nullif(a ->> 'id', '') AS aid, a ->> 'replyToId' AS reply_to,
           a -> 'from' -> 'role' AS from_role
    FROM acts
),
m AS (
    SELECT *,
        CASE
            WHEN typ = 'message' THEN 'message'
            WHEN typ = 'handoff' OR (typ = 'event' AND ename = 'handoff.initiate')
                THEN 'handoff_initiated'
            WHEN typ = 'event' AND ename = 'handoff.status' THEN
                CASE lower(val ->> 'state')
                    WHEN 'accepted' THEN 'handoff_accepted'
                    WHEN 'failed' THEN 'handoff_failed'
                    WHEN 'completed' THEN 'handoff_completed'
                    ELSE 'other'
                END
            WHEN typ = 'trace' AND (vtype ILIKE '%UnknownIntent%' OR ename = 'UnknownIntent')
                THEN 'bot_fallback'
            WHEN typ = 'endOfConversation' THEN 'conversation_ended'
            ELSE 'other'
        END AS event,
        CASE
            WHEN json_type(from_role) IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN
                CASE CAST(from_role AS VARCHAR) WHEN '0' THEN 'bot' WHEN '1' THEN 'customer' END
            WHEN lower(from_role ->> '$') = 'user' THEN 'customer'
            WHEN lower(from_role ->> '$') IN ('bot', 'skill') THEN 'bot'
            WHEN nullif(from_role ->> '$', '') IS NOT NULL THEN from_role ->> '$'
            WHEN typ <> 'message' THEN 'system'
        END AS role,
        coalesce(
            val -> 'luisResult' -> 'topScoringIntent' ->> 'intent',
            val -> 'recognizerResult' ->> 'topIntent',
            val ->> 'intentName', val ->> 'topIntent'
        ) AS trace_intent
    FROM f
),
-- The recogniser's intent is a trace replying to the customer's message: put it on the message.
intents AS (
    SELECT conv_id, reply_to, min(trace_intent) AS intent
    FROM m WHERE typ = 'trace' AND trace_intent IS NOT NULL AND reply_to IS NOT NULL
    GROUP BY ALL
)
SELECT $file, $fmt, m.rec,
    json_object(
        'conversation_id', m.conv_id,
        'message_id', coalesce(m.aid, m.conv_id || ':' || m.rec),
        'timestamp', coalesce(m.a -> 'timestamp', m.a -> 'localTimestamp'),
        'role', m.role,
        'text', CASE WHEN m.ename = 'handoff.status' THEN m.val ->> 'message'
                     ELSE m.a ->> 'text' END,
        'event', m.event,
        'intent', coalesce(m.trace_intent, i.intent),
        'channel', m.a ->> 'channelId',
        'participant_id', m.a -> 'from' ->> 'id',
        'queue', CASE WHEN m.event = 'handoff_initiated'
                      THEN coalesce(m.val ->> 'queue', m.val ->> 'skill') END,
        'handoff_context', CASE WHEN m.event = 'handoff_initiated' AND m.val IS NOT NULL THEN
            CASE WHEN json_type(m.val) = 'VARCHAR' THEN m.val ->> '$'
                 ELSE CAST(m.val AS VARCHAR) END END,
        'platform_outcome', m.outcome,
        'metadata', json_object(
            'activity_type', m.typ, 'name', m.ename, 'value_type', m.vtype,
            'from_name', m.a -> 'from' ->> 'name', 'reply_to_id', m.reply_to,
            'customer_id', CASE WHEN m.role = 'customer' THEN m.a -> 'from' ->> 'id' END),
        -- the Transcript attachment of handoff.initiate repeats earlier turns: not kept twice
        'source_record', CASE WHEN m.event = 'handoff_initiated'
                              THEN json_merge_patch(m.a, '{{"attachments": null}}') ELSE m.a END
    ),
    CASE WHEN NOT m.is_object THEN 'activity is not a JSON object' END,
    false
FROM m
LEFT JOIN intents i ON m.typ = 'message' AND i.conv_id = m.conv_id AND i.reply_to = m.aid
ORDER BY m.rec
"""


# The activities of the document: an array, {"activities": [...]}, or one activity object.
_ACTIVITIES = f"""
WITH doc AS (SELECT json AS d FROM {platform.DOC}),
items AS (
    SELECT CASE
        WHEN json_type(d) = 'ARRAY' THEN json_extract(d, '$[*]')
        WHEN json_type(d -> 'activities') = 'ARRAY' THEN json_extract(d, '$.activities[*]')
        ELSE [d]
    END AS l FROM doc
)
SELECT unnest(l) AS a, generate_subscripts(l, 1) AS rec FROM items
"""

_SHAPE = f"""
WITH x AS ({_ACTIVITIES})
SELECT count(*) > 0,
       bool_or((a ->> 'type') IS NOT NULL),
       bool_or((a -> 'conversation' ->> 'id') IS NOT NULL)
FROM x
"""


def stage(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> None:
    fields = ["activities (none found)", "type", "conversation.id"]
    platform.require(con, path, NAME, _SHAPE, fields)
    acts = (
        "SELECT a -> 'conversation' ->> 'id' AS conv_id, rec, a, NULL AS outcome"
        f" FROM ({_ACTIVITIES})"
    )
    platform.run_stage(con, path, NAME, activity_records(acts))


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
