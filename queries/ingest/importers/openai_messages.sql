-- name: openai_messages
-- description: OpenAI-style chat messages of an LLM agent (a list of conversations with `messages` or τ-bench `traj`, one such object, or one bare message list) as canonical records, as DuckDB table macros that analyzer.ingest.importers.openai_messages defines and calls: openai_messages_shape(file) is one row of booleans (conversations found, each has a message list, every message has a role); openai_messages_records(file, fmt, stem, tools) is the rows for `staged` in the column order of platform.INSERT. Messages carry no times (timestamp null, the file's order kept). user is a customer message, assistant a bot message, system and tool a system 'other'; each assistant tool call is a record of its own, handoff_initiated (with its summary argument, else all arguments, as the handoff context) for a tool in `tools`, else 'other'. A conversation without an id is named `stem`:n.
-- params:
CREATE OR REPLACE TEMP MACRO openai_messages_conversations(file) AS TABLE
WITH docs AS (SELECT row_number() OVER () AS doc_no, json AS d FROM read_json(file, format = 'unstructured', records = false, columns = {'json': 'JSON'}, maximum_object_size = 268435456)),
-- a list of conversations, one conversation object, or one bare list of messages
lists AS (
    SELECT doc_no, CASE
        WHEN json_type(d) = 'ARRAY' AND (d -> 0 ->> 'role') IS NOT NULL
            THEN [json_object('messages', d)]
        WHEN json_type(d) = 'ARRAY' THEN json_extract(d, '$[*]')
        ELSE [d]
    END AS l
    FROM docs
),
convs AS (
    SELECT doc_no, unnest(l) AS c, generate_subscripts(l, 1) AS conv_no FROM lists
)
SELECT row_number() OVER (ORDER BY doc_no, conv_no) AS i, c,
       CASE WHEN json_type(c -> 'messages') = 'ARRAY' THEN json_extract(c, '$.messages[*]')
            WHEN json_type(c -> 'traj') = 'ARRAY' THEN json_extract(c, '$.traj[*]') END AS msgs
FROM convs;

CREATE OR REPLACE TEMP MACRO openai_messages_shape(file) AS TABLE
WITH x AS (SELECT * FROM openai_messages_conversations(file))
SELECT count(*) > 0, bool_and(msgs IS NOT NULL),
       bool_and(coalesce(list_bool_and([(m ->> 'role') IS NOT NULL FOR m IN msgs]), true))
FROM x;

CREATE OR REPLACE TEMP MACRO openai_messages_records(file, fmt, stem, tools) AS TABLE
WITH convs AS (SELECT * FROM openai_messages_conversations(file)),
named AS (
    SELECT i, msgs,
        coalesce(
            c ->> 'conversation_id', c ->> 'id',
            CASE WHEN (c ->> 'task_id') IS NOT NULL
                 THEN 'task-' || (c ->> 'task_id')
                      || coalesce('-trial-' || (c ->> 'trial'), '') END,
            stem || ':' || i
        ) AS conv_id,
        json_object('task_id', c -> 'task_id', 'trial', c -> 'trial', 'reward', c -> 'reward')
            AS conv_meta
    FROM convs
),
msgs AS (
    SELECT i, conv_id, conv_meta, unnest(msgs) AS m, generate_subscripts(msgs, 1) AS k FROM named
),
said AS (  -- the message itself, unless it is an assistant turn holding only tool calls
    SELECT file, fmt, i * 1000000 + k * 100,
        json_object(
            'conversation_id', conv_id,
            'message_id', conv_id || ':' || k,
            'timestamp', NULL,
            'role', CASE lower(m ->> 'role') WHEN 'user' THEN 'customer'
                                              WHEN 'assistant' THEN 'bot'
                                              ELSE 'system' END,
            'text', m ->> 'content',
            'event', CASE WHEN lower(m ->> 'role') IN ('user', 'assistant') THEN 'message'
                          ELSE 'other' END,
            'metadata', json_merge_patch(conv_meta, json_object(
                'message_role', m ->> 'role', 'tool', m ->> 'name',
                'tool_call_id', m ->> 'tool_call_id')),
            'source_record', m
        ) AS raw,
        CASE WHEN (m ->> 'role') IS NULL THEN 'message has no role' END AS stage_error,
        true
    FROM msgs
    WHERE lower(coalesce(m ->> 'role', '')) <> 'assistant'
       OR coalesce(trim(m ->> 'content'), '') <> ''
       OR coalesce(json_array_length(m -> 'tool_calls'), 0) = 0
),
calls AS (
    SELECT i, conv_id, conv_meta, k, unnest(l) AS tc, generate_subscripts(l, 1) AS j
    FROM (SELECT *, json_extract(m, '$.tool_calls[*]') AS l FROM msgs
          WHERE json_array_length(m -> 'tool_calls') > 0)
),
called AS (
    SELECT *, tc -> 'function' ->> 'name' AS tool,
           try_cast(tc -> 'function' ->> 'arguments' AS JSON) AS args
    FROM calls
)
SELECT * FROM said
UNION ALL
SELECT file, fmt, i * 1000000 + k * 100 + j,
    json_object(
        'conversation_id', conv_id,
        'message_id', conv_id || ':' || k || ':' || coalesce(tc ->> 'id', CAST(j AS VARCHAR)),
        'timestamp', NULL,
        'role', 'bot',
        'text', NULL,
        'event', CASE WHEN list_contains(tools, tool) THEN 'handoff_initiated' ELSE 'other' END,
        'handoff_context', CASE WHEN list_contains(tools, tool)
            THEN coalesce(args ->> 'summary', tc -> 'function' ->> 'arguments') END,
        'metadata', json_merge_patch(conv_meta, json_object(
            'tool', tool, 'arguments', coalesce(args, tc -> 'function' -> 'arguments'))),
        'source_record', tc
    ),
    NULL,
    true
FROM called;

