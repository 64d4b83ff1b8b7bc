-- name: flag_notes
-- description: Every friction flag of the given conversations (capped at $max_notes per conversation), detail cut to $max_chars, for the drill-down headers.
-- params: ids, max_notes, max_chars
SELECT conversation_id, flag, message_id, detail, score
FROM (
    SELECT
        conversation_id, flag, message_id,
        left(coalesce(detail, ''), $max_chars) AS detail,
        score,
        row_number() OVER (PARTITION BY conversation_id ORDER BY flag, message_id, detail) AS n
    FROM friction_flags
    WHERE conversation_id IN (SELECT unnest($ids))
)
WHERE n <= $max_notes
ORDER BY conversation_id, flag, message_id, detail;
