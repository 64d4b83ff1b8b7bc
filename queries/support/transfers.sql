-- name: transfers
-- description: The transfer events that moved the customer: a transfer the platform reported failed (transfer_failed or handoff_failed after it, before any agent wrote again) moved nobody. Read by misroute and ping_pong.
-- params:
WITH marked AS (
    SELECT conversation_id, seq, message_id, event,
           min(CASE WHEN event IN ('transfer_failed', 'handoff_failed') THEN seq END) OVER (
               PARTITION BY conversation_id ORDER BY seq
               ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_failure_seq,
           min(CASE WHEN role = 'agent' AND is_message THEN seq END) OVER (
               PARTITION BY conversation_id ORDER BY seq
               ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_agent_seq
    FROM turns
    WHERE event IN ('transfer', 'transfer_failed', 'handoff_failed') OR (role = 'agent' AND is_message)
)
SELECT conversation_id, seq, message_id
FROM marked
WHERE event = 'transfer'
  AND (next_failure_seq IS NULL OR next_agent_seq < next_failure_seq);
