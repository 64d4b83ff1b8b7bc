-- name: botframework
-- description: Bot Framework transcripts (a JSON array of Activities, {"activities": [...]}, or one activity per file) as canonical records, as DuckDB table macros that analyzer.ingest.importers.botframework (and copilot_dataverse, whose rows hold Bot Framework activities) defines and calls: botframework_shape(file) is one row of booleans (activities found, one has a type, one has conversation.id); botframework_file_activities(file) is the file's activities as the temp table `activities` holds them (conv_id, rec: the record number, a: the activity, outcome: the platform's outcome or NULL); botframework_records(file, fmt) is the rows for `staged`, in the column order of platform.INSERT, of the activities in `activities`. Messages are customer or bot messages by from.role; handoff and handoff.initiate are handoff_initiated (their value the handoff context), handoff.status accepted / failed / completed, an UnknownIntent trace bot_fallback, endOfConversation conversation_ended, others 'other'; a recogniser's trace puts its intent on the customer message it replies to. The mapping in full: the module's docstring.
-- params:
-- The working table the records are built from (filled by the importer before each call).
CREATE TEMP TABLE IF NOT EXISTS activities (conv_id VARCHAR, rec BIGINT, a JSON, outcome VARCHAR);

CREATE OR REPLACE TEMP MACRO botframework_activities(file) AS TABLE
WITH doc AS (SELECT json AS d FROM read_json(file, format = 'unstructured', records = false, columns = {'json': 'JSON'}, maximum_object_size = 268435456)),
items AS (
    SELECT CASE
        WHEN json_type(d) = 'ARRAY' THEN json_extract(d, '$[*]')
        WHEN json_type(d -> 'activities') = 'ARRAY' THEN json_extract(d, '$.activities[*]')
        ELSE [d]
    END AS l FROM doc
)
SELECT unnest(l) AS a, generate_subscripts(l, 1) AS rec FROM items;

CREATE OR REPLACE TEMP MACRO botframework_shape(file) AS TABLE
WITH x AS (SELECT * FROM botframework_activities(file))
SELECT count(*) > 0,
       bool_or((a ->> 'type') IS NOT NULL),
       bool_or((a -> 'conversation' ->> 'id') IS NOT NULL)
FROM x;

CREATE OR REPLACE TEMP MACRO botframework_file_activities(file) AS TABLE
SELECT a -> 'conversation' ->> 'id' AS conv_id, rec, a, CAST(NULL AS VARCHAR) AS outcome
FROM botframework_activities(file);

CREATE OR REPLACE TEMP MACRO botframework_records(file, fmt) AS TABLE
WITH acts AS (SELECT * FROM activities),
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
SELECT file, fmt, m.rec,
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
                              THEN json_merge_patch(m.a, '{"attachments": null}') ELSE m.a END
    ),
    CASE WHEN NOT m.is_object THEN 'activity is not a JSON object' END,
    false
FROM m
LEFT JOIN intents i ON m.typ = 'message' AND i.conv_id = m.conv_id AND i.reply_to = m.aid
ORDER BY m.rec;
