-- name: canonical_columns
-- description: The rules of the canonical schema, for both engines: maps parsed canonical records (every field as text, from `canonical_records`) to event rows: role aliases, event default 'message', ISO or epoch timestamps to UTC (a time without a zone, and a date alone, read in $timezone; a named zone such as UTC or America/New_York read in that zone; special words such as 'epoch' or 'infinity' and years outside 1900-2200 rejected; null allowed for formats without times), time_note 'ambiguous' or 'nonexistent' for a local time in a daylight-saving change (read as the later, standard-time instant, or moved forward by the gap), message_id derived when absent from every field as stored (so recomputable from an `events` row); reject_reason says why a record cannot load (NULL when it can), reject_code is its stable short code. Portable: runs on DuckDB and, transpiled, on Spark.
-- params: loaded_at, timezone
WITH fields AS (
    SELECT
        *,
        nullif(trim(conversation_id), '') AS conv_id,
        nullif(trim("timestamp"), '') AS ts_raw,
        nullif(lower(trim(role)), '') AS role_raw,
        coalesce(nullif(lower(trim(event)), ''), 'message') AS event_raw,
        nullif(trim(message_id), '') AS given_message_id,
        try_cast(trim("timestamp") AS DOUBLE) AS ts_number,
        regexp_matches(coalesce(trim("timestamp"), ''), '^-?[0-9]+(\.[0-9]+)?$') AS ts_is_number,
        -- only a time that starts with its year: words such as 'epoch', 'now' or 'infinity' are not times
        regexp_matches(coalesce(trim("timestamp"), ''), '^[0-9]{4}') AS ts_is_dated,
        regexp_matches(coalesce(trim("timestamp"), ''), '^[0-9]{4}-[0-9]{2}-[0-9]{2}$') AS ts_is_date,
        -- a time that says its zone: Z, an offset, or a zone name (UTC, PST, Europe/Paris)
        regexp_matches(coalesce(trim("timestamp"), ''),
                       '(?i)([0-9]\s*(z|[+-][0-9]{2}(:?[0-9]{2})?)|[0-9.]\s*[a-z][a-z0-9_/+-]*)$')
            AS ts_has_zone
    FROM canonical_records
),
typed AS (
    SELECT
        *,
        CASE
            WHEN ts_raw IS NULL THEN NULL
            WHEN ts_is_number AND abs(ts_number) < 1e11
                THEN CAST(make_timestamp(CAST(round(ts_number * 1000000) AS BIGINT)) AS TIMESTAMP)
            WHEN ts_is_number AND abs(ts_number) < 1e14
                THEN CAST(make_timestamp(CAST(round(ts_number * 1000) AS BIGINT)) AS TIMESTAMP)
            WHEN ts_is_number OR NOT ts_is_dated THEN NULL
            WHEN ts_is_date THEN CAST(try_cast(ts_raw || ' 00:00:00 ' || $timezone AS TIMESTAMPTZ) AS TIMESTAMP)
            -- an offset after a space ("10:00:00 -0400") is read as if written "10:00:00-0400"
            WHEN ts_has_zone OR $timezone = 'UTC'
                THEN CAST(try_cast(replace(replace(ts_raw, ' +', '+'), ' -', '-') AS TIMESTAMPTZ) AS TIMESTAMP)
            ELSE CAST(try_cast(ts_raw || ' ' || $timezone AS TIMESTAMPTZ) AS TIMESTAMP)
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
        END AS role_name,
        CASE
            WHEN event_raw IN ('message', 'handoff_requested', 'handoff_initiated', 'queued',
                               'agent_joined', 'agent_left', 'transfer', 'handoff_failed',
                               'conversation_ended', 'handoff_accepted', 'handoff_completed',
                               'transfer_failed', 'bot_fallback', 'other')
                THEN event_raw
        END AS event_name
    FROM fields
),
zoned AS (
    -- A local time in a daylight-saving change (clocks moving by an hour): the instant an hour
    -- later on the wall clock is less than an hour away when this time was skipped, and the one an
    -- hour earlier more than an hour away when this hour was repeated.
    SELECT
        *,
        CASE
            WHEN ts IS NULL OR ts_is_number OR ts_has_zone OR $timezone = 'UTC' THEN NULL
            WHEN epoch(CAST(try_cast(CAST(local_ts + INTERVAL 1 HOUR AS VARCHAR) || ' ' || $timezone
                                     AS TIMESTAMPTZ) AS TIMESTAMP)) - epoch(ts) < 3600
                THEN 'nonexistent'
            WHEN epoch(ts) - epoch(CAST(try_cast(CAST(local_ts - INTERVAL 1 HOUR AS VARCHAR) || ' ' || $timezone
                                                 AS TIMESTAMPTZ) AS TIMESTAMP)) > 3600
                THEN 'ambiguous'
        END AS time_note
    FROM (
        SELECT *, try_cast(CASE WHEN ts_is_date THEN ts_raw || ' 00:00:00' ELSE ts_raw END AS TIMESTAMP) AS local_ts
        FROM typed
    ) t
),
judged AS (
    SELECT
        *,
        CASE
            WHEN read_error IS NOT NULL THEN read_error
            WHEN conv_id IS NULL THEN 'missing required field conversation_id'
            WHEN ts_raw IS NULL AND NOT coalesce(timestamp_optional, false)
                THEN 'missing required field timestamp'
            WHEN ts_raw IS NOT NULL AND ts IS NULL
                THEN 'unparseable timestamp ''' || left(ts_raw, 60)
                     || ''' (use ISO-8601 such as 2026-05-04T10:00:00Z, or epoch seconds or milliseconds)'
            WHEN ts IS NOT NULL AND (year(ts) < 1900 OR year(ts) > 2200)
                THEN 'timestamp ''' || left(ts_raw, 60) || ''' is outside the years 1900-2200 (check the unit of epoch numbers and the year)'
            WHEN role_raw IS NULL THEN 'missing required field role'
            WHEN role_name IS NULL
                THEN 'unknown role ''' || left(role_raw, 40)
                     || ''' (use customer, bot, agent or system, or an alias such as user or assistant)'
            WHEN event_name IS NULL
                THEN 'unknown event ''' || left(event_raw, 40)
                     || ''' (use message, handoff_requested, handoff_initiated, queued, agent_joined, agent_left, transfer, handoff_failed or conversation_ended)'
        END AS reject_reason,
        -- the reason's stable short code (docs/data-contract.md, "Reject codes"), for queries
        CASE
            WHEN read_error IS NOT NULL THEN coalesce(read_code, 'bad_item')
            WHEN conv_id IS NULL THEN 'missing_conversation_id'
            WHEN ts_raw IS NULL AND NOT coalesce(timestamp_optional, false) THEN 'missing_timestamp'
            WHEN ts_raw IS NOT NULL AND ts IS NULL THEN 'bad_timestamp'
            WHEN ts IS NOT NULL AND (year(ts) < 1900 OR year(ts) > 2200) THEN 'timestamp_out_of_range'
            WHEN role_raw IS NULL THEN 'missing_role'
            WHEN role_name IS NULL THEN 'unknown_role'
            WHEN event_name IS NULL THEN 'unknown_event'
        END AS reject_code
    FROM zoned
),
stored AS (
    -- the values as they are stored in `events`
    SELECT
        *,
        nullif(trim(queue), '') AS queue_value,
        nullif(trim(participant_id), '') AS participant_value,
        nullif(trim(intent), '') AS intent_value,
        nullif(lower(trim(channel)), '') AS channel_value,
        nullif(trim(platform_outcome), '') AS outcome_value
    FROM judged
)
SELECT
    conv_id AS conversation_id,
    coalesce(
        given_message_id,
        -- every stored field of the event, so two records that differ anywhere are two messages,
        -- and the database can recompute the id from the row (docs/loading.md, "Duplicates")
        'h' || left(md5(concat_ws('|', conv_id, CAST(ts AS VARCHAR), role_name, event_name,
                                  coalesce(text, ''), coalesce(queue_value, ''), coalesce(participant_value, ''),
                                  coalesce(intent_value, ''), coalesce(channel_value, ''), coalesce(CAST(metadata AS VARCHAR), ''),
                                  coalesce(handoff_context, ''), coalesce(outcome_value, ''),
                                  coalesce(CAST(source_record AS VARCHAR), ''),
                                  CASE WHEN ts IS NULL THEN CAST(record_no AS VARCHAR) END)), 16)
    ) AS message_id,
    ts AS "timestamp",
    role_name AS role,
    text,
    event_name AS event,
    queue_value AS queue,
    participant_value AS participant_id,
    intent_value AS intent,
    channel_value AS channel,
    metadata,
    handoff_context,
    outcome_value AS platform_outcome,
    source_file,
    source_format,
    record_no,
    source_record,
    CAST($loaded_at AS TIMESTAMP) AS loaded_at,
    time_note,
    reject_reason,
    reject_code,
    CASE WHEN reject_reason IS NOT NULL THEN raw END AS raw  -- kept for rejects only
FROM stored;
