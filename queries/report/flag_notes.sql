-- name: flag_notes
-- description: Every friction flag of the given conversations (capped at $max_notes per conversation), detail cut to $max_chars, for the drill-down headers. When $redact is true, e-mail addresses, account, card and phone numbers in the detail are replaced by [email], [account], [card] and [phone] (patterns from the config's [redaction] table) before it is cut.
-- params: ids, max_notes, max_chars, redact, redact_email_re, redact_account_re, redact_card_re, redact_phone_re
WITH shown AS (
    SELECT
        conversation_id, flag, message_id, score,
        CASE WHEN $redact THEN
            regexp_replace(regexp_replace(regexp_replace(regexp_replace(coalesce(detail, ''),
                $redact_email_re, '[email]', 'g'), $redact_account_re, '[account]', 'g'),
                $redact_card_re, '[card]', 'g'), $redact_phone_re, '[phone]', 'g')
        ELSE coalesce(detail, '') END AS detail
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
