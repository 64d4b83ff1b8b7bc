-- name: handoff_failed
-- description: Conversations where the platform reported a failed transfer (handoff_failed or transfer_failed event) or a bot or system message said no agent was available or the transfer could not happen.
-- params:
WITH failures AS (
    SELECT
        conversation_id,
        seq,
        message_id,
        event,
        text,
        row_number() OVER (PARTITION BY conversation_id ORDER BY seq) AS rn
    FROM turns
    WHERE event IN ('handoff_failed', 'transfer_failed') OR is_failure_notice
)
SELECT
    conversation_id,
    'handoff_failed' AS flag,
    message_id,
    CASE WHEN text IS NOT NULL AND trim(text) <> ''
         THEN event || ': "' || left(text, 160) || '"'
         ELSE 'platform reported ' || event END AS detail,
    CAST(NULL AS DOUBLE) AS score
FROM failures
WHERE rn = 1
ORDER BY conversation_id;
