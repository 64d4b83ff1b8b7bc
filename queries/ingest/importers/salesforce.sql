-- name: salesforce
-- description: Salesforce Messaging ConversationEntry records (a Data Loader / Workbench CSV export, or a REST / sf data query JSON result) as canonical records, as DuckDB table macros that analyzer.ingest.importers.salesforce defines and calls: salesforce_csv_rows(file, fmt) is a CSV file's rows as documents for `documents`; over the load's `documents` of format `fmt` (every file is read once, then all are built in one statement), salesforce_shape(fmt) is one row per file (source_file; has entries; has ConversationId; has ActorType; has EntryType) and salesforce_records(fmt) the rows for `staged` in the column order of platform.INSERT. A field is read by its API name (JSON) or in lower case (CSV). The mapping in full: the module's docstring.
-- params:
-- each CSV row is one document (a JSON object with lower-case keys), so the CSV and the JSON
-- exports are built by the same macros
CREATE OR REPLACE TEMP MACRO salesforce_csv_rows(file, fmt) AS TABLE
SELECT file, fmt, row_number() OVER (), CAST(to_json(t) AS VARCHAR)
FROM read_csv(file, header = true, all_varchar = true, normalize_names = true, delim = ',',
              quote = '"', escape = '"', max_line_size = 8388608) t;

CREATE OR REPLACE TEMP MACRO salesforce_entries(fmt) AS TABLE
WITH docs AS (
    SELECT source_file, line_no, CAST(doc AS JSON) AS d
    FROM documents WHERE source_format = fmt
),
lists AS (
    SELECT source_file, line_no, CASE
        WHEN json_type(d) = 'ARRAY' THEN json_extract(d, '$[*]')
        WHEN json_type(d -> 'records') = 'ARRAY' THEN json_extract(d, '$.records[*]')
        WHEN json_type(d -> 'result' -> 'records') = 'ARRAY'
            THEN json_extract(d, '$.result.records[*]')
        ELSE [d]
    END AS l
    FROM docs
),
entries AS (
    SELECT source_file, line_no, unnest(l) AS e, generate_subscripts(l, 1) AS k FROM lists
)
SELECT source_file, line_no * 1000000 + k AS pos, e,
       coalesce(e ->> 'ConversationId', e ->> 'conversationid') AS conv_id,
       coalesce(e ->> 'ActorType', e ->> 'actortype') AS actor_type,
       coalesce(e ->> 'EntryType', e ->> 'entrytype') AS entry_type
FROM entries;

CREATE OR REPLACE TEMP MACRO salesforce_shape(fmt) AS TABLE
SELECT source_file, count(*) > 0, bool_or(conv_id IS NOT NULL), bool_or(actor_type IS NOT NULL),
       bool_or(entry_type IS NOT NULL)
FROM (SELECT * FROM salesforce_entries(fmt))
GROUP BY source_file;

CREATE OR REPLACE TEMP MACRO salesforce_records(fmt) AS TABLE
WITH f AS (
    SELECT *,
        coalesce(e ->> 'Seq', e ->> 'seq') AS seq,
        lower(replace(entry_type, '_', '')) AS et,
        CASE lower(replace(actor_type, '_', ''))
            WHEN 'agent' THEN 'agent'
            WHEN 'supervisor' THEN 'agent'
            WHEN 'bot' THEN 'bot'
            WHEN 'chatbot' THEN 'bot'
            WHEN 'enduser' THEN 'customer'
            WHEN 'system' THEN 'system'
            ELSE lower(actor_type)
        END AS role,
        coalesce(coalesce(e ->> 'EntryPayload', e ->> 'entrypayload'), e ->> 'entry_payload') AS payload
    FROM (SELECT * FROM salesforce_entries(fmt))
),
m AS (
    SELECT *,
        CASE
            WHEN et IN ('text', 'message') THEN 'message'
            WHEN et = 'botescalated' THEN 'handoff_initiated'
            WHEN et = 'chatbotendedtransfernotconfigured' THEN 'handoff_failed'
            WHEN et IN ('participantchanged', 'participantjoined', 'agentjoined')
                 AND role = 'agent' THEN
                CASE WHEN regexp_matches(coalesce(payload, ''), '"operation"\s*:\s*"remove"')
                     THEN 'agent_left' ELSE 'agent_joined' END
            WHEN et IN ('participantleft', 'agentleft') AND role = 'agent' THEN 'agent_left'
            WHEN et IN ('chatbotendedchatbyaction', 'chatbotclosedidlesession')
                THEN 'conversation_ended'
            ELSE 'other'
        END AS event,
        -- entries of the same time keep Seq order, then file order
        row_number() OVER (PARTITION BY source_file
                           ORDER BY conv_id, try_cast(seq AS BIGINT) NULLS LAST, pos) AS rec
    FROM f
)
SELECT source_file, fmt, rec,
    json_object(
        'conversation_id', conv_id,
        'message_id', coalesce(coalesce(e ->> 'Id', e ->> 'id'), conv_id || ':' || coalesce(seq, CAST(pos AS VARCHAR))),
        'timestamp', coalesce(coalesce(e ->> 'EntryTime', e ->> 'entrytime'), coalesce(e ->> 'ClientTimestamp', e ->> 'clienttimestamp')),
        'role', role,
        'text', coalesce(e ->> 'Message', e ->> 'message'),
        'event', event,
        'participant_id', coalesce(coalesce(e ->> 'ActorName', e ->> 'actorname'), coalesce(e ->> 'ActorId', e ->> 'actorid')),
        'metadata', json_object('actor_type', actor_type, 'actor_id', coalesce(e ->> 'ActorId', e ->> 'actorid'),
                                'actor_name', coalesce(e ->> 'ActorName', e ->> 'actorname'), 'entry_type', entry_type,
                                'seq', seq, 'has_attachments', coalesce(e ->> 'HasAttachments', e ->> 'hasattachments'),
                                'customer_id', CASE WHEN role = 'customer' THEN coalesce(e ->> 'ActorId', e ->> 'actorid') END),
        'source_record', json_merge_patch(e, '{"attributes": null}')
    ),
    CASE WHEN json_type(e) <> 'OBJECT' THEN 'entry is not a JSON object' END,
    false
FROM m;
