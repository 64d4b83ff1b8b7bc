-- name: import
-- description: Reads a filled-in review sheet (staged as review_rows) and says for each row what is wrong with it, if anything. A conversation id written as '~' and its MD5 (one that held personal data) is matched to the conversation it stands for, and a leading apostrophe the export added to defuse a formula is dropped.
-- params:
WITH sheet AS (
    -- A cell the export defused with a leading apostrophe (it began like a formula) reads back as it was.
    SELECT line, flag, verdict, note,
           CASE WHEN regexp_matches(conversation_id, '^''[=+@\t\r-]')
                THEN substr(conversation_id, 2) ELSE conversation_id END AS conversation_id
    FROM review_rows
)
SELECT
    r.line,
    coalesce(f.conversation_id, r.conversation_id) AS conversation_id,
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
FROM sheet r
LEFT JOIN (
    SELECT DISTINCT conversation_id AS sheet_id, conversation_id, flag FROM friction_flags
    UNION ALL
    SELECT DISTINCT '~' || md5(conversation_id), conversation_id, flag FROM friction_flags
) f
    ON f.sheet_id = r.conversation_id AND f.flag = r.flag
ORDER BY r.line;
