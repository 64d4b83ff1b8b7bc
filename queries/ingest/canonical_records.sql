-- name: canonical_records
-- description: DuckDB's reading of staged records (`staged_records`: one JSON object as text per record, from a reader): the fields the column map names ($text_paths, $json_paths: JSON paths into the record) as text, every other key merged into metadata, role labels translated by the role map ($role_from, $role_to), and read_error when the record is not a JSON object, with its short code read_code (the reader's stage_code; bad_item for an importer's item; invalid_json, not_object). canonical_columns.sql then applies the schema's rules, the same on both engines.
-- params: text_paths, json_paths, mapped_keys, role_from, role_to
WITH checked AS (
    SELECT
        source_file, source_format, record_no, raw, stage_error, stage_code, timestamp_optional,
        -- valid JSON (a fast reader vouches for its rows; else parse), and an object
        stage_error IS NULL AND raw IS NOT NULL AND coalesce(is_json, json_valid(raw)) AS is_json,
        stage_error IS NULL AND raw IS NOT NULL AND coalesce(is_json, json_valid(raw))
            AND starts_with(ltrim(raw, E' \t\r\n'), '{') AS is_object
    FROM staged_records
),
extracted AS (
    SELECT
        *,
        CASE WHEN is_object THEN json_extract_string(raw, CAST($text_paths AS VARCHAR[])) END AS v,
        CASE WHEN is_object THEN json_extract(raw, CAST($json_paths AS VARCHAR[])) END AS j,
        CASE WHEN is_object THEN json_keys(raw) END AS keys
    FROM checked
),
parsed AS (
    SELECT
        *,
        CASE WHEN j[1] IS NULL OR json_type(j[1]) = 'NULL' THEN NULL
             WHEN json_type(j[1]) = 'OBJECT' THEN j[1]
             WHEN json_type(j[1]) = 'VARCHAR' AND json_type(try_cast(j[1] ->> '$' AS JSON)) = 'OBJECT'
                 THEN json(j[1] ->> '$')
             ELSE json_object('value', j[1]) END AS meta,
        -- a key the column map does not name goes to metadata
        length(list_filter(keys, lambda k: NOT list_contains(json_keys(CAST($mapped_keys AS JSON)), k))) > 0
            AS has_rest
    FROM extracted
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
    CASE
        WHEN stage_error IS NOT NULL THEN coalesce(stage_code, 'bad_item')
        WHEN NOT is_json THEN 'invalid_json'
        WHEN NOT is_object THEN 'not_object'
    END AS read_code,
    v[1] AS conversation_id,
    v[2] AS "timestamp",
    coalesce(
        CAST($role_to AS VARCHAR[])[list_position(CAST($role_from AS VARCHAR[]), lower(trim(v[3])))],
        v[3]
    ) AS role,
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
        WHEN NOT coalesce(has_rest, false) THEN meta
        -- the record without its mapped keys (a merge patch with null deletes a key; this also
        -- copes with duplicated, empty and quoted keys), over the metadata object; a key whose
        -- value is null (an empty CSV cell) carries nothing and is left out, with or without a
        -- metadata object
        ELSE json_merge_patch(coalesce(meta, json('{}')), json_merge_patch(raw, CAST($mapped_keys AS JSON)))
    END AS metadata,
    j[2] AS source_record
FROM parsed;
