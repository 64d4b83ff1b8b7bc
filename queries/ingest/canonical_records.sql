-- name: canonical_records
-- description: DuckDB's reading of staged records: the JSON text of each record to the canonical fields as text (unknown keys merged into metadata), with read_error when it is not a JSON object. canonical_columns.sql then applies the schema's rules, the same on both engines.
-- params:
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
)
SELECT
    source_file,
    source_format,
    record_no,
    raw,
    timestamp_optional,
    CASE
        WHEN stage_error IS NOT NULL THEN stage_error
        WHEN NOT is_json THEN 'not valid JSON'
        WHEN NOT is_object THEN 'not a JSON object'
    END AS read_error,
    v[1] AS conversation_id,
    v[2] AS "timestamp",
    v[3] AS role,
    v[4] AS text,
    v[5] AS event,
    v[6] AS message_id,
    v[7] AS queue,
    v[8] AS participant_id,
    v[9] AS intent,
    v[10] AS channel,
    v[11] AS handoff_context,
    v[12] AS platform_outcome,
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
    j[2] AS source_record
FROM extracted;
