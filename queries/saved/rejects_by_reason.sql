-- name: rejects_by_reason
-- description: Records that could not be loaded, counted by file and reject code (the stable short code of the reason, see the data contract), with an example reason and the first record number of each.
-- params:
SELECT source_file, reject_code, count(*) AS records, min(record_no) AS first_record,
       arg_min(reason, record_no) AS first_reason
FROM rejects
GROUP BY source_file, reject_code
ORDER BY source_file, records DESC, reject_code;
