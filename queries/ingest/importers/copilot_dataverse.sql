-- name: copilot_dataverse
-- description: Copilot Studio transcripts from Dataverse (a Web API read of the conversationtranscripts table, or its rows as a JSON array) as the Bot Framework activities each row's `content` holds, as DuckDB table macros that analyzer.ingest.importers.copilot_dataverse defines and calls: copilot_dataverse_shape(file) is one row of booleans (rows found, each has content, each has a name or conversationtranscriptid, each content has an activities list); copilot_dataverse_activities(file) is the activities in the columns of the working table `activities` of botframework.sql, whose records macro then builds the canonical records. The conversation is the row's name without its last `_` part (else the name, else the transcript id); record_no is row * 1000000 + activity; the platform's outcome is the row's last SessionInfo outcome.
-- params:
CREATE OR REPLACE TEMP MACRO copilot_dataverse_rows(file) AS TABLE
WITH doc AS (SELECT json AS d FROM read_json(file, format = 'unstructured', records = false, columns = {'json': 'JSON'}, maximum_object_size = 268435456)),
items AS (
    SELECT CASE WHEN json_type(d) = 'ARRAY' THEN json_extract(d, '$[*]')
                ELSE json_extract(d, '$.value[*]') END AS l
    FROM doc
)
SELECT unnest(l) AS r, generate_subscripts(l, 1) AS row_no FROM items;

CREATE OR REPLACE TEMP MACRO copilot_dataverse_shape(file) AS TABLE
WITH x AS (SELECT * FROM copilot_dataverse_rows(file))
SELECT count(*) > 0,
       bool_and((r ->> 'content') IS NOT NULL),
       bool_and(coalesce(r ->> 'name', r ->> 'conversationtranscriptid') IS NOT NULL),
       bool_and(json_type(try_cast(r ->> 'content' AS JSON) -> 'activities') = 'ARRAY')
FROM x;

CREATE OR REPLACE TEMP MACRO copilot_dataverse_activities(file) AS TABLE
WITH rows AS (SELECT * FROM copilot_dataverse_rows(file)),
parsed AS (
    SELECT row_no,
           coalesce(CASE WHEN contains(r ->> 'name', '_')
                         THEN regexp_replace(r ->> 'name', '_[^_]*$', '') END,
                    r ->> 'name', r ->> 'conversationtranscriptid') AS conv_id,
           json_extract(CAST(r ->> 'content' AS JSON), '$.activities[*]') AS l
    FROM rows
),
acts AS (
    SELECT conv_id, row_no, unnest(l) AS a, generate_subscripts(l, 1) AS act_no FROM parsed
)
SELECT conv_id, row_no * 1000000 + act_no AS rec, a,
       arg_max(a -> 'value' ->> 'outcome', act_no)
           FILTER (WHERE (a ->> 'valueType') = 'SessionInfo') OVER (PARTITION BY row_no) AS outcome
FROM acts;
