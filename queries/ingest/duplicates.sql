-- name: duplicates
-- description: The dedupe rule, for both engines: the keys (source_file, record_no) of the load's records that are duplicates. A record of `normalized` (the load's rows from canonical_columns.sql) that can load is a duplicate when its (conversation_id, message_id) came earlier in the load (by file, then record number: the first one loads) or is in `stored_events` (the keys already stored; empty on Spark, which reads its input whole). Portable: runs on DuckDB and, transpiled, on Spark.
-- params:
WITH keyed AS (
    SELECT source_file, record_no, conversation_id, message_id
    FROM normalized
    WHERE reject_reason IS NULL
),
repeated AS (
    -- the keys that occur more than once in the load (most loads have none): only their records
    -- are ranked, so the load is not sorted by key
    SELECT conversation_id, message_id
    FROM keyed
    GROUP BY conversation_id, message_id
    HAVING count(*) > 1
),
ranked AS (
    SELECT source_file, record_no,
           row_number() OVER (PARTITION BY conversation_id, message_id
                              ORDER BY source_file, record_no) AS k
    FROM keyed
    JOIN repeated USING (conversation_id, message_id)
)
SELECT source_file, record_no FROM ranked WHERE k > 1
UNION
SELECT source_file, record_no FROM keyed
WHERE EXISTS (SELECT 1 FROM stored_events s
              WHERE s.conversation_id = keyed.conversation_id AND s.message_id = keyed.message_id);
