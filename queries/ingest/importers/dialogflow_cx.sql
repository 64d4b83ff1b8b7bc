-- name: dialogflow_cx
-- description: Dialogflow CX interaction logs exported from BigQuery (one JSON row per turn) as canonical records, as DuckDB table macros that analyzer.ingest.importers.dialogflow_cx defines and calls over the load's `documents` lines of format `fmt` (every file is read once, then all are built in one statement): dialogflow_cx_shape(fmt) is one row per file (source_file; has a JSON row; has conversation_name; has response); dialogflow_cx_records(fmt) is the rows for `staged` in the column order of platform.INSERT. Each turn gives the customer's words with the matched intent, a handoff_requested record when the turn signals say the customer asked for a live agent, a bot_fallback record for a NO_MATCH, then one record per response message (text and output audio text as bot messages, liveAgentHandoff and telephonyTransferCall as handoff_initiated, endInteraction as conversation_ended, others as 'other'), all at the turn's request_time in the turn's order; a line that is not a JSON object is staged as it is, to be rejected. The mapping in full: the module's docstring.
-- params:
CREATE OR REPLACE TEMP MACRO dialogflow_cx_lines(fmt) AS TABLE
SELECT source_file, line_no, doc, CASE WHEN json_type(j) = 'OBJECT' THEN j END AS r
    FROM (SELECT *, try_cast(doc AS JSON) AS j FROM documents WHERE source_format = fmt);

CREATE OR REPLACE TEMP MACRO dialogflow_cx_turns(fmt) AS TABLE
SELECT source_file, line_no, doc, r,
       regexp_extract(r ->> 'conversation_name', '[^/]+$') AS conv_id,
       coalesce(r ->> 'turn_position', 'line' || line_no) AS turn,
       r -> 'request_time' AS ts,
       r ->> 'language_code' AS lang,
       -- request, response and signals are JSON, or JSON written as a string
       try_cast(r ->> 'request' AS JSON) AS req,
       try_cast(r ->> 'response' AS JSON) -> 'queryResult' AS qr,
       try_cast(r ->> 'conversation_signals' AS JSON) -> 'turnSignals' AS sig
FROM dialogflow_cx_lines(fmt);

CREATE OR REPLACE TEMP MACRO dialogflow_cx_shape(fmt) AS TABLE
SELECT source_file, count(r) > 0, bool_or((r ->> 'conversation_name') IS NOT NULL),
       bool_or((r -> 'response') IS NOT NULL)
FROM dialogflow_cx_lines(fmt)
GROUP BY source_file;

CREATE OR REPLACE TEMP MACRO dialogflow_cx_records(fmt) AS TABLE
WITH turns AS (SELECT * FROM dialogflow_cx_turns(fmt)),
t AS (
    SELECT *,
        qr -> 'match' ->> 'matchType' AS match_type,
        nullif(coalesce(req -> 'queryInput' -> 'text' ->> 'text', qr ->> 'transcript',
                        req -> 'queryInput' -> 'dtmf' ->> 'digits'), '') AS said,
        json_object('turn_position', r -> 'turn_position', 'language_code', lang,
                    'page', qr -> 'currentPage' ->> 'displayName',
                    'match_type', qr -> 'match' ->> 'matchType',
                    'confidence', qr -> 'match' -> 'confidence') AS turn_meta
    FROM turns
),
replies AS (
    SELECT *, unnest(l) AS m, generate_subscripts(l, 1) AS k
    FROM (SELECT *, json_extract(qr, '$.responseMessages[*]') AS l FROM t
          WHERE json_array_length(qr -> 'responseMessages') > 0)
),
kinds AS (
    SELECT *,
        CASE
            WHEN (m -> 'text') IS NOT NULL OR (m -> 'outputAudioText') IS NOT NULL THEN 'message'
            WHEN (m -> 'liveAgentHandoff') IS NOT NULL
                 OR (m -> 'telephonyTransferCall') IS NOT NULL THEN 'handoff_initiated'
            WHEN (m -> 'endInteraction') IS NOT NULL THEN 'conversation_ended'
            ELSE 'other'
        END AS event,
        m -> 'liveAgentHandoff' -> 'metadata' AS handoff_meta
    FROM replies
),
rows AS (
    SELECT source_file, line_no, 0 AS sub, conv_id, turn, ts, req, turn_meta, 'customer' AS role,
           'message' AS event, said AS text, qr -> 'match' -> 'intent' ->> 'displayName' AS intent,
           NULL::VARCHAR AS queue, NULL::VARCHAR AS context, r AS src
    FROM t WHERE said IS NOT NULL
    UNION ALL  -- the customer asked for a live agent
    SELECT source_file, line_no, 1, conv_id, turn, ts, req, turn_meta, 'customer',
           'handoff_requested', NULL, NULL, NULL, NULL, sig
    FROM t WHERE (sig ->> 'userEscalated') = 'true'
    UNION ALL  -- the agent matched no intent
    SELECT source_file, line_no, 2, conv_id, turn, ts, req, turn_meta, 'bot', 'bot_fallback',
           NULL, NULL, NULL, NULL, qr -> 'match'
    FROM t WHERE match_type = 'NO_MATCH'
    UNION ALL
    SELECT source_file, line_no, 10 + k, conv_id, turn, ts, req,
           json_merge_patch(turn_meta, json_object('response_message', json_keys(m)[1])),
           'bot', event,
           CASE WHEN (m -> 'text') IS NOT NULL
                THEN array_to_string(json_extract_string(m, '$.text.text[*]'), chr(10))
                ELSE coalesce(m -> 'outputAudioText' ->> 'text', regexp_replace(
                         m -> 'outputAudioText' ->> 'ssml', '<[^>]*>', '', 'g')) END,
           NULL,
           coalesce(handoff_meta ->> 'queue', handoff_meta ->> 'queueName',
                    handoff_meta ->> 'queue_name', handoff_meta ->> 'skill',
                    handoff_meta ->> 'skillName', m -> 'telephonyTransferCall' ->> 'phoneNumber'),
           CASE WHEN handoff_meta IS NOT NULL THEN CAST(handoff_meta AS VARCHAR) END,
           m
    FROM kinds
)
SELECT source_file, fmt, line_no * 1000 + sub,
    CAST(json_object(
        'conversation_id', conv_id,
        'message_id', conv_id || ':' || turn || ':' || sub,
        'timestamp', ts,
        'role', role,
        'text', text,
        'event', event,
        'intent', intent,
        'queue', queue,
        'handoff_context', context,
        'channel', req -> 'queryParams' ->> 'channel',
        'metadata', turn_meta,
        'source_record', src
    ) AS VARCHAR),
    NULL, false
FROM rows
UNION ALL  -- a line that is not a JSON object: staged as it is, and rejected with the reason
SELECT source_file, fmt, line_no * 1000, doc, NULL, false
FROM dialogflow_cx_lines(fmt) WHERE r IS NULL;
