-- name: lex_v2
-- description: Amazon Lex V2 conversation logs (one JSON object per utterance, as delivered to CloudWatch Logs or exported to S3) as canonical records, as DuckDB table macros that analyzer.ingest.importers.lex_v2 defines and calls over the load's `documents` lines of format `fmt` (every file is read once, then all are built in one statement): lex_v2_shape(fmt) is one row per file (source_file; has a JSON record; has sessionId; has sessionState); lex_v2_records(fmt, transfer_intents) is the rows for `staged` in the column order of platform.INSERT. sessionId is the conversation; each utterance gives a customer message with its intent, a bot_fallback record when it was missed, then one bot record per message; an intent in `transfer_intents` that is fulfilled (or closed) is handoff_initiated, with the session attributes as the handoff context, and handoff_failed when it failed; a line that is not a JSON object is staged as it is, to be rejected. The mapping in full: the module's docstring.
-- params:
CREATE OR REPLACE TEMP MACRO lex_v2_lines(fmt) AS TABLE
SELECT source_file, line_no, doc, CASE WHEN json_type(j) = 'OBJECT' THEN j END AS r
    FROM (SELECT *, try_cast(doc AS JSON) AS j FROM documents WHERE source_format = fmt);

CREATE OR REPLACE TEMP MACRO lex_v2_shape(fmt) AS TABLE
SELECT source_file, count(r) > 0, bool_or((r ->> 'sessionId') IS NOT NULL),
       bool_or((r -> 'sessionState') IS NOT NULL)
FROM lex_v2_lines(fmt)
GROUP BY source_file;

CREATE OR REPLACE TEMP MACRO lex_v2_records(fmt, transfer_intents) AS TABLE
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
    FROM lex_v2_lines(fmt)
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
                     AND CAST(r -> 'sessionState' -> 'sessionAttributes' AS VARCHAR) <> '{}'
                THEN CAST(r -> 'sessionState' -> 'sessionAttributes' AS VARCHAR) END,
           r -> 'sessionState'
    FROM u
    WHERE list_contains(transfer_intents, s_intent ->> 'name')
      AND ((s_intent ->> 'state') IN ('Fulfilled', 'ReadyForFulfillment', 'Failed')
           OR action = 'Close')
)
SELECT source_file, fmt, line_no * 1000 + sub,
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
SELECT source_file, fmt, line_no * 1000, doc, NULL, false
FROM lex_v2_lines(fmt) WHERE r IS NULL;
