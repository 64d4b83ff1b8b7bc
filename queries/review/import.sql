-- name: import
-- description: Reads a filled-in review sheet (staged as review_rows) and says for each row what is wrong with it, if anything.
-- params:
SELECT
    r.line,
    r.conversation_id,
    r.flag,
    lower(trim(r.verdict)) AS verdict,
    nullif(trim(r.note), '') AS note,
    CASE
        WHEN r.verdict IS NULL OR trim(r.verdict) = '' THEN 'empty'
        WHEN lower(trim(r.verdict)) NOT IN ('confirmed', 'false_positive', 'unsure')
            THEN 'unknown verdict ''' || r.verdict || ''' (use confirmed, false_positive or unsure)'
        WHEN f.conversation_id IS NULL
            THEN 'no flag ' || coalesce(r.flag, '?') || ' on conversation ' || coalesce(r.conversation_id, '?')
                 || ' in this database'
    END AS problem
FROM review_rows r
LEFT JOIN (SELECT DISTINCT conversation_id, flag FROM friction_flags) f
    ON f.conversation_id = r.conversation_id AND f.flag = r.flag
ORDER BY r.line;
