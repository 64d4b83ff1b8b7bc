-- name: abcd
-- description: ABCD customer / human-agent dialogues (a JSON list of {convo_id, original: [[speaker, text], ...]}) as canonical records, as DuckDB table macros that analyzer.ingest.importers.human_dialogues defines and calls: abcd_shape(file) is one row of booleans (conversations found, each has a convo_id, each has an `original` list); abcd_records(file, fmt) is the rows for `staged` in the column order of platform.INSERT. customer and agent turns are messages; an action (an agent's tool click) is a system 'other'. No times: the file's order is kept.
-- params:
CREATE OR REPLACE TEMP MACRO abcd_items(file) AS TABLE
SELECT row_number() OVER () AS idx, json AS item FROM read_json(file, format = 'array', records = false, columns = {'json': 'JSON'}, maximum_object_size = 268435456);

CREATE OR REPLACE TEMP MACRO abcd_shape(file) AS TABLE
WITH x AS (SELECT item AS c FROM abcd_items(file))
SELECT count(*) > 0, bool_and((c ->> 'convo_id') IS NOT NULL),
       bool_and(json_type(c -> 'original') = 'ARRAY')
FROM x;

CREATE OR REPLACE TEMP MACRO abcd_records(file, fmt) AS TABLE
WITH convs AS (
    SELECT idx AS i, item ->> 'convo_id' AS conv_id, json_extract(item, '$.original[*]') AS l
    FROM abcd_items(file)
),
turns AS (SELECT i, conv_id, unnest(l) AS t, generate_subscripts(l, 1) AS k FROM convs)
SELECT file, fmt, i * 100000 + k,
    json_object(
        'conversation_id', 'abcd-' || conv_id,
        'message_id', 'abcd-' || conv_id || ':' || k,
        'timestamp', NULL,
        'role', CASE lower(t ->> 0) WHEN 'customer' THEN 'customer' WHEN 'agent' THEN 'agent'
                    ELSE 'system' END,
        'text', t ->> 1,
        'event', CASE WHEN lower(t ->> 0) IN ('customer', 'agent') THEN 'message' ELSE 'other' END,
        'metadata', json_object('speaker', t ->> 0),
        'source_record', t
    ),
    CASE WHEN json_type(t) <> 'ARRAY' THEN 'turn is not a [speaker, text] pair' END,
    true
FROM turns;
