-- name: 0003_derived_message_ids
-- description: Events whose message_id release 0.1.0 derived (the record had none) get the id this release derives, so reloading the same file finds them as duplicates. A derived id is told from a given one by recomputing 0.1.0's rule from the stored row ('h' and 16 hex digits of md5 over conversation, time, role, event, text, and the record number when there is no time); the new id is the current rule (queries/ingest/canonical_columns.sql) over the stored row. Events that then share a (conversation_id, message_id) are merged as a load would: the first loaded is kept, the others are removed and counted as duplicates of the load that added them. The counts are kept in meta (message_ids_rederived, message_ids_merged); when an id changed, the next load or refresh rebuilds the derived tables (turns, friction_flags, conversations) in full.
-- params:
CREATE OR REPLACE TEMP TABLE upgrade_message_ids AS
SELECT
    rowid AS event_row,
    conversation_id,
    message_id AS old_id,
    'h' || left(md5(concat_ws('|', conversation_id, CAST("timestamp" AS VARCHAR), role, event,
                              coalesce(text, ''), coalesce(queue, ''), coalesce(participant_id, ''),
                              coalesce(intent, ''), coalesce(channel, ''), coalesce(CAST(metadata AS VARCHAR), ''),
                              coalesce(handoff_context, ''), coalesce(platform_outcome, ''),
                              coalesce(CAST(source_record AS VARCHAR), ''),
                              CASE WHEN "timestamp" IS NULL THEN CAST(record_no AS VARCHAR) END)), 16) AS new_id
FROM events
WHERE message_id = 'h' || left(md5(concat_ws('|', conversation_id, CAST("timestamp" AS VARCHAR), role, event,
                                             coalesce(text, ''),
                                             CASE WHEN "timestamp" IS NULL THEN CAST(record_no AS VARCHAR) END)), 16);

UPDATE events SET message_id = u.new_id
FROM upgrade_message_ids u
WHERE events.rowid = u.event_row AND u.new_id <> u.old_id;

-- Two events with one key: keep the first loaded, as a load keeps the first of its duplicates.
CREATE OR REPLACE TEMP TABLE upgrade_merged AS
SELECT event_row, source_file, loaded_at
FROM (
    SELECT rowid AS event_row, source_file, loaded_at,
           row_number() OVER (PARTITION BY conversation_id, message_id
                              ORDER BY loaded_at, source_file, record_no, rowid) AS k
    FROM events
    WHERE conversation_id IN (SELECT conversation_id FROM upgrade_message_ids)
) ranked
WHERE k > 1;

DELETE FROM events WHERE rowid IN (SELECT event_row FROM upgrade_merged);

-- Each merged event was added by the load of its file at its loaded_at: it becomes a duplicate there.
UPDATE loads SET loaded = loads.loaded - m.n, duplicates = loads.duplicates + m.n
FROM (
    SELECT l.load_id, l.source_file, count(*) AS n
    FROM upgrade_merged g
    JOIN loads l ON l.source_file = g.source_file AND l.loaded_at = g.loaded_at
    WHERE l.load_id = (SELECT max(load_id) FROM loads x
                       WHERE x.source_file = g.source_file AND x.loaded_at = g.loaded_at)
    GROUP BY l.load_id, l.source_file
) m
WHERE loads.load_id = m.load_id AND loads.source_file = m.source_file;

-- turns and friction_flags (which may not exist yet) keep the old ids until they are rebuilt:
-- without their fingerprints the next load or `handoff refresh` rebuilds them in full.
DELETE FROM meta
WHERE key IN ('derived_definitions', 'derived_config')
  AND (EXISTS (SELECT 1 FROM upgrade_message_ids WHERE new_id <> old_id)
       OR EXISTS (SELECT 1 FROM upgrade_merged));

INSERT OR REPLACE INTO meta
SELECT 'message_ids_rederived', CAST(count(*) AS VARCHAR) FROM upgrade_message_ids WHERE new_id <> old_id
UNION ALL
SELECT 'message_ids_merged', CAST(count(*) AS VARCHAR) FROM upgrade_merged;

DROP TABLE upgrade_message_ids;
DROP TABLE upgrade_merged;
