-- name: bot_replies
-- description: The bot's replies the customer saw: its messages, and its platform fallback events that no real reply answered at once (such an event was internal, not a fallback the customer got). is_fallback says whether the customer saw a fallback there. Read by bot_loop and ignored_handoff_request.
-- params:
WITH dialogue AS (
    -- what the customer saw next after each bot record
    SELECT t.conversation_id, t.seq, t.message_id, t.text, t.role, t.is_message, t.is_fallback,
           t.is_transfer_notice, t.is_failure_notice,
           lead(t.role) OVER (PARTITION BY t.conversation_id ORDER BY t.seq) AS next_role,
           lead(t.is_fallback) OVER (PARTITION BY t.conversation_id ORDER BY t.seq) AS next_fallback
    FROM turns t
    WHERE (t.is_message AND t.role IN ('bot', 'customer')) OR (t.role = 'bot' AND t.is_fallback)
)
SELECT conversation_id, seq, message_id, text, is_message,
       is_fallback AND (is_message OR next_role IS DISTINCT FROM 'bot' OR next_fallback) AS is_fallback,
       is_transfer_notice, is_failure_notice
FROM dialogue
WHERE role = 'bot'
  AND (is_message OR next_role IS DISTINCT FROM 'bot' OR next_fallback);
