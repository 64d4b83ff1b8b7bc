"""Rasa tracker-store JSON: one tracker (`GET /conversations/{id}/tracker`) or a list of them.

sender_id -> conversation_id; `user` events -> customer messages (intent, input channel), `bot`
events -> bot messages. A user intent named in `[importers.rasa] handoff_intents` adds a
handoff_requested record; an action named in `handoff_actions` -> handoff_initiated;
`action_default_fallback` (or the nlu_fallback intent) -> bot_fallback; `pause` (the bot stops
while a human takes over) -> agent_joined; `resume` -> handoff_completed. action_listen and slot
events are dropped; other events are kept as `other`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from analyzer.config import Config
from analyzer.ingest import platform
from analyzer.ingest.base import Format

NAME = "rasa"

_EVENTS = f"""
WITH docs AS (SELECT row_number() OVER () AS doc_no, json AS d FROM {platform.DOC}),
lists AS (
    SELECT doc_no, CASE WHEN json_type(d) = 'ARRAY' THEN json_extract(d, '$[*]') ELSE [d] END AS l
    FROM docs
),
trackers AS (SELECT doc_no, unnest(l) AS t, generate_subscripts(l, 1) AS t_no FROM lists),
numbered AS (
    SELECT row_number() OVER (ORDER BY doc_no, t_no) AS i, t ->> 'sender_id' AS conv_id,
           json_extract(t, '$.events[*]') AS l
    FROM trackers
)
SELECT i, conv_id, unnest(l) AS e, generate_subscripts(l, 1) AS k FROM numbered
"""

_SHAPE = f"""
WITH docs AS (SELECT json AS d FROM {platform.DOC}),
ts AS (SELECT unnest(CASE WHEN json_type(d) = 'ARRAY' THEN json_extract(d, '$[*]')
                          ELSE [d] END) AS t FROM docs)
SELECT count(*) > 0, bool_and((t ->> 'sender_id') IS NOT NULL),
       bool_and(json_type(t -> 'events') = 'ARRAY')
FROM ts
"""

_STAGE = f"""
{platform.INSERT}
WITH ev AS ({_EVENTS}),
f AS (
    SELECT *, e ->> 'event' AS kind, e ->> 'name' AS aname,
           e -> 'parse_data' -> 'intent' ->> 'name' AS intent
    FROM ev
),
rows AS (
    SELECT i, k, 0 AS sub, conv_id, e, intent,
        CASE kind WHEN 'user' THEN 'customer' WHEN 'bot' THEN 'bot'
                  WHEN 'action' THEN 'bot' ELSE 'system' END AS role,
        CASE
            WHEN kind IN ('user', 'bot') THEN 'message'
            WHEN kind = 'action' AND list_contains($actions, aname) THEN 'handoff_initiated'
            WHEN kind = 'action' AND aname = 'action_default_fallback' THEN 'bot_fallback'
            WHEN kind = 'pause' THEN 'agent_joined'
            WHEN kind = 'resume' THEN 'handoff_completed'
            ELSE 'other'
        END AS event
    FROM f
    WHERE NOT (kind = 'action' AND aname = 'action_listen') AND kind IS DISTINCT FROM 'slot'
    UNION ALL  -- the customer's request for a human, next to the message that says it
    SELECT i, k, 1, conv_id, e, intent, 'customer',
           CASE WHEN intent = 'nlu_fallback' THEN 'bot_fallback' ELSE 'handoff_requested' END
    FROM f
    WHERE kind = 'user' AND (list_contains($intents, intent) OR intent = 'nlu_fallback')
)
SELECT $file, $fmt, i * 1000000 + k * 10 + sub,
    json_object(
        'conversation_id', conv_id,
        'message_id', conv_id || ':' || k || CASE WHEN sub > 0 THEN ':' || sub ELSE '' END,
        'timestamp', e -> 'timestamp',
        'role', CASE WHEN event = 'bot_fallback' THEN 'bot' ELSE role END,
        'text', CASE WHEN sub = 0 THEN e ->> 'text' END,
        'event', event,
        'intent', CASE WHEN role = 'customer' THEN intent END,
        'channel', e ->> 'input_channel',
        'metadata', json_object('rasa_event', e ->> 'event', 'name', e ->> 'name',
                                'policy', e ->> 'policy',
                                'confidence', e -> 'parse_data' -> 'intent' -> 'confidence'),
        'source_record', e
    ),
    CASE WHEN json_type(e) <> 'OBJECT' THEN 'tracker event is not a JSON object' END,
    false
FROM rows
"""


def stage(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> None:
    platform.require(con, path, NAME, _SHAPE, ["trackers (none found)", "sender_id", "events"])
    section = config.importer("rasa")
    params = {
        "actions": section.strings("handoff_actions"),
        "intents": section.strings("handoff_intents"),
    }
    platform.run_stage(con, path, NAME, _STAGE, params)


def sniff(path: Path, head: bytes) -> bool:
    return platform.head_has(head, platform.key("sender_id"), r'"event"\s*:\s*"')


FORMAT = Format(NAME, "Rasa tracker-store JSON (one tracker or a list)", stage, sniff)
