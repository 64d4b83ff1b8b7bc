-- name: abandoned_in_queue
-- description: Conversations that were handed off and ended before any agent wrote (and the platform did not report a failed handoff).
-- params:
WITH last_customer AS (
    SELECT conversation_id, max(seq) AS seq
    FROM turns
    WHERE role = 'customer' AND is_message
    GROUP BY conversation_id
)
SELECT
    c.conversation_id,
    'abandoned_in_queue' AS flag,
    coalesce(lt.message_id, h.message_id) AS message_id,
    'handed off and ended with no agent message'
        || CASE WHEN c.ended_at IS NOT NULL AND c.handoff_at IS NOT NULL
                THEN ' after ' || CAST(CAST(round(epoch(c.ended_at) - epoch(c.handoff_at)) AS BIGINT)
                     AS VARCHAR) || ' s'
                ELSE '' END
        || CASE WHEN lt.text IS NOT NULL
                THEN '; last customer message: "' || left(lt.text, 120) || '"' ELSE '' END
        AS detail,
    CAST(NULL AS DOUBLE) AS score
FROM conversation_outcomes c
JOIN turns h ON h.conversation_id = c.conversation_id AND h.seq = c.handoff_seq
LEFT JOIN last_customer l ON l.conversation_id = c.conversation_id
LEFT JOIN turns lt ON lt.conversation_id = l.conversation_id AND lt.seq = l.seq
WHERE c.handoff_outcome = 'abandoned_in_queue'
ORDER BY c.conversation_id;
