-- name: rejects_by_reason
-- description: Records that could not be loaded, counted by file and reason, with the first line number of each.
-- params:
SELECT source_file, reason, count(*) AS records, min(record_no) AS first_record
FROM rejects
GROUP BY source_file, reason
ORDER BY source_file, records DESC, reason;
