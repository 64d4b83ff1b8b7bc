-- name: flag_notes
-- description: Every friction flag of the given conversations (capped at $max_notes per conversation), detail cut to $max_chars, for the drill-down headers. Personal data in the detail and the message id is replaced by the rules in $redact_patterns and $redact_replacements (the config's [redaction] table; empty lists with --no-redact) before the detail is cut.
-- params: ids, max_notes, max_chars, redact_patterns, redact_replacements
WITH shown AS (
    SELECT
        conversation_id, flag, score,
        redacted(message_id, $redact_patterns, $redact_replacements) AS message_id,
        redacted(coalesce(detail, ''), $redact_patterns, $redact_replacements) AS detail
    FROM friction_flags
    WHERE conversation_id IN (SELECT unnest($ids))
)
SELECT conversation_id, flag, message_id, detail, score
FROM (
    SELECT
        conversation_id, flag, message_id,
        left(detail, $max_chars) AS detail,
        score,
        row_number() OVER (PARTITION BY conversation_id ORDER BY flag, message_id, detail) AS n
    FROM shown
)
WHERE n <= $max_notes
ORDER BY conversation_id, flag, message_id, detail;
