-- name: twitter_care
-- description: IBM Twitter customer-care dialogues (a JSON list of {dialogHeader{sessionID, company}, dialogContent[...], agentURL{tweet_ID, url_utterance}}) as canonical records, as DuckDB table macros that analyzer.ingest.importers.human_dialogues defines and calls: twitter_care_shape(file) is one row of booleans (conversations found, each has dialogHeader.sessionID, each has a dialogContent list); twitter_care_records(file, fmt) is the rows for `staged` in the column order of platform.INSERT. Client tweets are customer messages and the company's agent tweets agent messages; agentURL.url_utterance, the answer the dataset holds out of dialogContent, loads as the agent's last message.
-- params:
CREATE OR REPLACE TEMP MACRO twitter_care_items(file) AS TABLE
SELECT row_number() OVER () AS idx, json AS item FROM read_json(file, format = 'array', records = false, columns = {'json': 'JSON'}, maximum_object_size = 268435456);

CREATE OR REPLACE TEMP MACRO twitter_care_shape(file) AS TABLE
WITH x AS (SELECT item AS c FROM twitter_care_items(file))
SELECT count(*) > 0, bool_and((c -> 'dialogHeader' ->> 'sessionID') IS NOT NULL),
       bool_and(json_type(c -> 'dialogContent') = 'ARRAY')
FROM x;

CREATE OR REPLACE TEMP MACRO twitter_care_records(file, fmt) AS TABLE
WITH convs AS (
    SELECT idx AS i, item -> 'dialogHeader' ->> 'sessionID' AS conv_id,
           item -> 'dialogHeader' ->> 'company' AS company,
           json_extract(item, '$.dialogContent[*]') AS l,
           item -> 'agentURL' AS answer,
           try_cast(item -> 'dialogHeader' ->> 'conversationDateTime' AS TIMESTAMPTZ)
               + try_cast(item -> 'dialogHeader' ->> 'duration' AS INTERVAL) AS ended_at
    FROM twitter_care_items(file)
),
turns AS (SELECT i, conv_id, company, unnest(l) AS t, generate_subscripts(l, 1) AS k FROM convs)
SELECT file, fmt, i * 100000 + k,
    json_object(
        'conversation_id', conv_id,
        'message_id', coalesce(t ->> 'tweet_ID', conv_id || ':' || k),
        'timestamp', t -> 'datetime',
        'role', CASE WHEN (t ->> 'agent') IS NOT NULL THEN 'agent'
                     -- client, client1, ...: the customers of a thread
                     WHEN len([x FOR x IN json_keys(t) IF x LIKE 'client%']) > 0
                         THEN 'customer' END,
        'text', t ->> 'message',
        'event', 'message',
        'channel', 'twitter',
        'participant_id', coalesce(t ->> 'agent', t ->> 'client', t ->> 'client1'),
        'metadata', json_object('company', company),
        'source_record', t
    ),
    NULL,
    false
FROM turns
UNION ALL
-- The thread's last turn, held out of dialogContent as agentURL.url_utterance: the company's
-- answer. It has no time of its own; the thread ends at conversationDateTime + duration.
SELECT file, fmt, i * 100000 + coalesce(json_array_length(l), 0) + 1,
    json_object(
        'conversation_id', conv_id,
        'message_id', coalesce(answer ->> 'tweet_ID', conv_id || ':answer'),
        'timestamp', strftime(greatest(ended_at, (
            SELECT max(try_cast(x ->> 'datetime' AS TIMESTAMPTZ)) FROM (SELECT unnest(l) AS x)
        )), '%Y-%m-%dT%H:%M:%S.%gZ'),
        'role', 'agent',
        'text', answer ->> 'url_utterance',
        'event', 'message',
        'channel', 'twitter',
        'participant_id', company,
        'metadata', json_object('company', company, 'held_out_answer', true,
                                'url', answer ->> 'url'),
        'source_record', answer
    ),
    NULL,
    false
FROM convs
WHERE nullif(trim(answer ->> 'url_utterance'), '') IS NOT NULL;
