-- name: normalize
-- description: Validates every staged record and maps it to a canonical event row; reject_reason says why a record cannot load (NULL when it can).
-- params: loaded_at
WITH checked AS (
    SELECT
        source_file, source_format, record_no, raw, stage_error, timestamp_optional,
        CASE WHEN stage_error IS NULL THEN json_valid(raw) ELSE false END AS is_json,
        CASE WHEN stage_error IS NULL AND json_valid(raw) THEN json_type(raw) = 'OBJECT' ELSE false END AS is_object
    FROM staged
),
extracted AS (
    SELECT
        *,
        CASE WHEN is_object THEN json_extract_string(raw, [
            '$.conversation_id', '$.timestamp', '$.role', '$.text', '$.event', '$.message_id',
            '$.queue', '$.participant_id', '$.intent', '$.channel', '$.handoff_context',
            '$.platform_outcome'
        ]) END AS v,
        CASE WHEN is_object THEN json_extract(raw, ['$.metadata', '$.source_record']) END AS j,
        CASE WHEN is_object THEN [k FOR k IN json_keys(raw) IF NOT list_contains([
            'conversation_id', 'timestamp', 'role', 'text', 'event', 'message_id', 'queue',
            'participant_id', 'intent', 'channel', 'metadata', 'handoff_context',
            'platform_outcome', 'source_record'
        ], k)] END AS extra_keys
    FROM checked
),
fields AS (
    SELECT
        *,
        nullif(trim(v[1]), '') AS conversation_id,
        nullif(trim(v[2]), '') AS ts_raw,
        nullif(lower(trim(v[3])), '') AS role_raw,
        v[4] AS text,
        coalesce(nullif(lower(trim(v[5])), ''), 'message') AS event_raw,
        nullif(trim(v[6]), '') AS given_message_id,
        try_cast(v[2] AS DOUBLE) AS ts_number
    FROM extracted
),
typed AS (
    SELECT
        *,
        CASE
            WHEN ts_raw IS NULL THEN NULL
            WHEN regexp_full_match(ts_raw, '-?[0-9]+(\.[0-9]+)?') AND abs(ts_number) < 1e11
                THEN make_timestamp(CAST(round(ts_number * 1000000) AS BIGINT))
            WHEN regexp_full_match(ts_raw, '-?[0-9]+(\.[0-9]+)?') AND abs(ts_number) < 1e14
                THEN make_timestamp(CAST(round(ts_number * 1000) AS BIGINT))
            WHEN regexp_full_match(ts_raw, '-?[0-9]+(\.[0-9]+)?') THEN NULL
            ELSE try_cast(ts_raw AS TIMESTAMPTZ) AT TIME ZONE 'UTC'
        END AS ts,
        CASE
            WHEN role_raw IN ('customer', 'user', 'visitor', 'end_user', 'enduser', 'end user',
                              'client', 'consumer', 'caller', 'guest', 'contact')
                THEN 'customer'
            WHEN role_raw IN ('bot', 'assistant', 'virtual_agent', 'virtual agent', 'virtualagent',
                              'automated_agent', 'automated agent', 'chatbot', 'ai', 'ai_agent',
                              'custom_bot', 'llm')
                THEN 'bot'
            WHEN role_raw IN ('agent', 'human_agent', 'human agent', 'live_agent', 'live agent',
                              'representative', 'rep', 'operator', 'advisor', 'adviser',
                              'supervisor', 'admin', 'teammate', 'staff')
                THEN 'agent'
            WHEN role_raw IN ('system', 'tool', 'function', 'event', 'platform') THEN 'system'
        END AS role,
        CASE
            WHEN event_raw IN ('message', 'handoff_requested', 'handoff_initiated', 'queued',
                               'agent_joined', 'agent_left', 'transfer', 'handoff_failed',
                               'conversation_ended', 'handoff_accepted', 'handoff_completed',
                               'transfer_failed', 'bot_fallback', 'other')
                THEN event_raw
        END AS event
    FROM fields
),
judged AS (
    SELECT
        *,
        CASE
            WHEN stage_error IS NOT NULL THEN stage_error
            WHEN NOT is_json THEN 'not valid JSON'
            WHEN NOT is_object THEN 'not a JSON object'
            WHEN conversation_id IS NULL THEN 'missing required field conversation_id'
            WHEN ts_raw IS NULL AND NOT timestamp_optional THEN 'missing required field timestamp'
            WHEN ts_raw IS NOT NULL AND ts IS NULL
                THEN 'unparseable timestamp ''' || left(ts_raw, 60)
                     || ''' (use ISO-8601 such as 2026-05-04T10:00:00Z, or epoch seconds or milliseconds)'
            WHEN role_raw IS NULL THEN 'missing required field role'
            WHEN role IS NULL
                THEN 'unknown role ''' || left(role_raw, 40)
                     || ''' (use customer, bot, agent or system, or an alias such as user or assistant)'
            WHEN event IS NULL
                THEN 'unknown event ''' || left(event_raw, 40)
                     || ''' (use message, handoff_requested, handoff_initiated, queued, agent_joined, agent_left, transfer, handoff_failed or conversation_ended)'
        END AS reject_reason
    FROM typed
)
SELECT
    conversation_id,
    coalesce(
        given_message_id,
        'h' || left(md5(concat_ws('|', conversation_id, CAST(ts AS VARCHAR), role, event,
                                  coalesce(text, ''), CASE WHEN ts IS NULL THEN CAST(record_no AS VARCHAR) END)), 16)
    ) AS message_id,
    ts AS "timestamp",
    role,
    text,
    event,
    nullif(trim(v[7]), '') AS queue,
    nullif(trim(v[8]), '') AS participant_id,
    nullif(trim(v[9]), '') AS intent,
    nullif(lower(trim(v[10])), '') AS channel,
    CASE
        WHEN j[1] IS NULL AND (extra_keys IS NULL OR length(extra_keys) = 0) THEN NULL
        WHEN extra_keys IS NULL OR length(extra_keys) = 0 THEN
            CASE WHEN json_type(j[1]) = 'OBJECT' THEN j[1]
                 WHEN json_type(j[1]) = 'VARCHAR' AND json_valid(j[1] ->> '$') THEN json(j[1] ->> '$')
                 ELSE json_object('value', j[1]) END
        ELSE json_merge_patch(
            CASE WHEN json_type(j[1]) = 'OBJECT' THEN j[1]
                 WHEN json_type(j[1]) = 'VARCHAR' AND json_valid(j[1] ->> '$') THEN json(j[1] ->> '$')
                 WHEN j[1] IS NULL THEN json('{}')
                 ELSE json_object('value', j[1]) END,
            to_json(map_from_entries([{'key': k, 'value': json_extract(raw, '$."' || k || '"')} FOR k IN extra_keys]))
        )
    END AS metadata,
    v[11] AS handoff_context,
    nullif(trim(v[12]), '') AS platform_outcome,
    source_file,
    source_format,
    record_no,
    j[2] AS source_record,
    CAST($loaded_at AS TIMESTAMP) AS loaded_at,
    reject_reason,
    CASE WHEN reject_reason IS NOT NULL THEN raw END AS raw  -- kept for rejects only
FROM judged;
