-- name: rasa
-- description: Rasa tracker-store JSON (one tracker or a list) as canonical records, as DuckDB table macros that analyzer.ingest.importers.rasa defines and calls: rasa_shape(file) is one row of booleans (trackers found, each has a sender_id, each has an events list); rasa_records(file, fmt, actions, intents) is the rows for `staged` in the column order of platform.INSERT (source_file, source_format, record_no, raw, stage_error, timestamp_optional). sender_id is the conversation; user events are customer messages, bot events bot messages; a user intent in `intents` adds a handoff_requested record (nlu_fallback a bot_fallback); an action in `actions` is handoff_initiated, action_default_fallback bot_fallback; pause is agent_joined and resume handoff_completed; action_listen and slot events are dropped, other events kept as 'other'.
-- params:
CREATE OR REPLACE TEMP MACRO rasa_trackers(file) AS TABLE
WITH docs AS (
    SELECT row_number() OVER () AS doc_no, json AS d
    FROM read_json(file, format = 'unstructured', records = false, columns = {'json': 'JSON'},
                   maximum_object_size = 268435456)
),
lists AS (
    SELECT doc_no, CASE WHEN json_type(d) = 'ARRAY' THEN json_extract(d, '$[*]') ELSE [d] END AS l
    FROM docs
)
SELECT doc_no, unnest(l) AS t, generate_subscripts(l, 1) AS t_no FROM lists;

CREATE OR REPLACE TEMP MACRO rasa_shape(file) AS TABLE
SELECT count(*) > 0, bool_and((t ->> 'sender_id') IS NOT NULL),
       bool_and(json_type(t -> 'events') = 'ARRAY')
FROM rasa_trackers(file);

CREATE OR REPLACE TEMP MACRO rasa_records(file, fmt, actions, intents) AS TABLE
WITH numbered AS (
    SELECT row_number() OVER (ORDER BY doc_no, t_no) AS i, t ->> 'sender_id' AS conv_id,
           json_extract(t, '$.events[*]') AS l
    FROM rasa_trackers(file)
),
ev AS (SELECT i, conv_id, unnest(l) AS e, generate_subscripts(l, 1) AS k FROM numbered),
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
            WHEN kind = 'action' AND list_contains(actions, aname) THEN 'handoff_initiated'
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
    WHERE kind = 'user' AND (list_contains(intents, intent) OR intent = 'nlu_fallback')
)
SELECT file AS source_file, fmt AS source_format, i * 1000000 + k * 10 + sub AS record_no,
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
    ) AS raw,
    CASE WHEN json_type(e) <> 'OBJECT' THEN 'tracker event is not a JSON object' END AS stage_error,
    false AS timestamp_optional
FROM rows;
