"""Amazon Lex V2 conversation logs: one JSON object per utterance (JSON Lines), as delivered to
CloudWatch Logs; a CloudWatch export to S3, whose lines start with a time stamp, is read too.

sessionId -> conversation_id. Each utterance gives a customer message (inputTranscript, with the
intent of the first interpretation, else of the session state), a bot_fallback record when the
utterance was missed (missedUtterance, or the FallbackIntent), then one bot record per entry of
`messages` at the same time: PlainText, SSML (tags removed) and ImageResponseCard (its title)
are messages, a CustomPayload is `other`.

Lex has no handoff event: an intent named in `[importers.lex_v2] transfer_intents` that reaches
Fulfilled or ReadyForFulfillment, or whose dialog action is Close, is handoff_initiated (the
session attributes, which the contact flow reads, are the handoff context); the same intent in
state Failed is handoff_failed. channel: the channel integration's platform when the request
attributes name one, else voice (Speech, DTMF) or chat (Text).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from analyzer.config import Config
from analyzer.ingest import platform
from analyzer.ingest.base import Format

NAME = "lex_v2"

_SHAPE = f"""
SELECT source_file, count(r) > 0, bool_or((r ->> 'sessionId') IS NOT NULL),
       bool_or((r -> 'sessionState') IS NOT NULL)
FROM {platform.LINE_OBJECTS}
GROUP BY source_file
"""

_STAGE = f"""
{platform.INSERT}
WITH u AS (
    SELECT source_file, line_no, r,
        r ->> 'sessionId' AS conv_id,
        coalesce(r ->> 'requestId', (r ->> 'sessionId') || ':' || line_no) AS req_id,
        r -> 'timestamp' AS ts,
        r -> 'sessionState' -> 'intent' AS s_intent,
        r -> 'sessionState' -> 'dialogAction' ->> 'type' AS action,
        coalesce(r -> 'interpretations' -> 0 -> 'intent' ->> 'name',
                 r -> 'sessionState' -> 'intent' ->> 'name') AS intent,
        coalesce(lower(r -> 'requestAttributes' ->> 'x-amz-lex:channels:platform'),
                 CASE lower(r ->> 'inputMode') WHEN 'text' THEN 'chat'
                                               WHEN 'speech' THEN 'voice'
                                               WHEN 'dtmf' THEN 'voice' END) AS channel,
        json_object(
            'bot', r -> 'bot' ->> 'name', 'bot_alias', r -> 'bot' ->> 'aliasName',
            'locale', r -> 'bot' ->> 'localeId', 'input_mode', r ->> 'inputMode',
            'nlu_confidence', coalesce(r -> 'interpretations' -> 0 -> 'nluConfidence' -> 'score',
                                       r -> 'interpretations' -> 0 -> 'nluConfidence'),
            'sentiment', r -> 'interpretations' -> 0 -> 'sentimentResponse' ->> 'sentiment',
            'intent_state', r -> 'sessionState' -> 'intent' ->> 'state',
            'dialog_action', r -> 'sessionState' -> 'dialogAction' ->> 'type'
        ) AS meta
    FROM {platform.LINE_OBJECTS}
    WHERE r IS NOT NULL
),
replies AS (
    SELECT *, unnest(l) AS m, generate_subscripts(l, 1) AS k
    FROM (SELECT *, json_extract(r, '$.messages[*]') AS l FROM u
          WHERE json_array_length(r -> 'messages') > 0)
),
rows AS (
    SELECT source_file, line_no, 0 AS sub, conv_id, req_id, ts, channel, meta, 'customer' AS role,
           'message' AS event, r ->> 'inputTranscript' AS text, intent,
           NULL::VARCHAR AS context, r AS src
    FROM u WHERE nullif(trim(r ->> 'inputTranscript'), '') IS NOT NULL
    UNION ALL  -- the bot did not understand the utterance
    SELECT source_file, line_no, 1, conv_id, req_id, ts, channel, meta, 'bot', 'bot_fallback',
           NULL, NULL, NULL, json_object('missedUtterance', r -> 'missedUtterance',
                                         'intent', intent)
    FROM u
    WHERE (r ->> 'missedUtterance') = 'true'
       OR intent IN ('FallbackIntent', 'AMAZON.FallbackIntent')
    UNION ALL
    SELECT source_file, line_no, 10 + k, conv_id, req_id, ts, channel,
           json_merge_patch(meta, json_object('content_type', m ->> 'contentType')), 'bot',
           CASE WHEN lower(m ->> 'contentType') = 'custompayload' THEN 'other' ELSE 'message' END,
           CASE lower(m ->> 'contentType')
               WHEN 'ssml' THEN trim(regexp_replace(m ->> 'content', '<[^>]*>', '', 'g'))
               WHEN 'imageresponsecard' THEN coalesce(
                   m -> 'imageResponseCard' ->> 'title', m ->> 'content')
               WHEN 'custompayload' THEN NULL
               ELSE m ->> 'content'
           END,
           NULL, NULL, m
    FROM replies
    UNION ALL  -- a transfer intent completed: the contact flow passes the customer to a queue
    SELECT source_file, line_no, 900, conv_id, req_id, ts, channel, meta, 'bot',
           CASE WHEN (s_intent ->> 'state') = 'Failed' THEN 'handoff_failed'
                ELSE 'handoff_initiated' END,
           NULL, NULL,
           CASE WHEN json_type(r -> 'sessionState' -> 'sessionAttributes') = 'OBJECT'
                     AND CAST(r -> 'sessionState' -> 'sessionAttributes' AS VARCHAR) <> '{{}}'
                THEN CAST(r -> 'sessionState' -> 'sessionAttributes' AS VARCHAR) END,
           r -> 'sessionState'
    FROM u
    WHERE list_contains($transfer_intents, s_intent ->> 'name')
      AND ((s_intent ->> 'state') IN ('Fulfilled', 'ReadyForFulfillment', 'Failed')
           OR action = 'Close')
)
SELECT source_file, $fmt, line_no * 1000 + sub,
    CAST(json_object(
        'conversation_id', conv_id,
        'message_id', req_id || CASE WHEN sub > 0 THEN ':' || sub ELSE '' END,
        'timestamp', ts,
        'role', role,
        'text', text,
        'event', event,
        'intent', intent,
        'handoff_context', context,
        'channel', channel,
        'metadata', meta,
        'source_record', src
    ) AS VARCHAR),
    NULL, false
FROM rows
UNION ALL  -- a line that is not a JSON object: staged as it is, and rejected with the reason
SELECT source_file, $fmt, line_no * 1000, doc, NULL, false
FROM {platform.LINE_OBJECTS} WHERE r IS NULL
"""


def transfer_intents(config: Config) -> list[str]:
    return config.importer("lex_v2").strings("transfer_intents")


def stage(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> None:
    platform.stage_lines(con, path, NAME)


def finish(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    fields = ["utterances (no JSON records found)", "sessionId", "sessionState"]
    params = {"transfer_intents": transfer_intents(config)}
    platform.finish_documents(con, NAME, _SHAPE, fields, _STAGE, params)


def sniff(path: Path, head: bytes) -> bool:
    return platform.head_has(
        head,
        platform.key("sessionId"),
        platform.key("sessionState"),
        platform.key("inputTranscript") + "|" + platform.key("interpretations"),
    ) and not platform.head_has(head, platform.key("Transcript"))


FORMAT = Format(
    NAME,
    "Amazon Lex V2 conversation logs (JSON Lines, or a CloudWatch export)",
    stage,
    sniff,
    finish=finish,
)
