-- name: ignored_handoff_request
-- description: The customer explicitly asked for a human before any handoff and the bot then sent ignored_request_bot_replies or more replies that were not the transfer (its messages, and its fallback events that no real reply answered at once, as bot_loop counts them), or the conversation was never handed off.
-- params: ignored_request_bot_replies
WITH requests AS (
    SELECT t.conversation_id, t.seq, t.message_id, t.text, c.handoff_seq,
           row_number() OVER (PARTITION BY t.conversation_id ORDER BY t.seq) AS rn
    FROM turns t
    JOIN conversation_outcomes c ON c.conversation_id = t.conversation_id
    WHERE t.is_human_request AND (c.handoff_seq IS NULL OR t.seq < c.handoff_seq) AND c.has_bot_side
),
first_request AS (
    SELECT * FROM requests WHERE rn = 1
),
dialogue AS (
    -- what the customer saw next after each bot record, as bot_loop reads it: a platform's
    -- fallback event answered at once by a real reply was internal
    SELECT t.conversation_id, t.seq, t.role, t.is_message, t.is_fallback, t.is_transfer_notice,
           lead(t.role) OVER (PARTITION BY t.conversation_id ORDER BY t.seq) AS next_role,
           lead(t.is_fallback) OVER (PARTITION BY t.conversation_id ORDER BY t.seq) AS next_fallback
    FROM turns t
    WHERE ((t.is_message AND t.role IN ('bot', 'customer')) OR (t.role = 'bot' AND t.is_fallback))
      AND t.conversation_id IN (SELECT conversation_id FROM first_request)
),
bot_replies AS (
    -- the bot's replies the customer saw: its messages but the transfer, and its fallback events
    -- ("Sorry, I didn't understand that") that no real reply answered at once
    SELECT conversation_id, seq
    FROM dialogue
    WHERE role = 'bot'
      AND ((is_message AND NOT is_transfer_notice)
           OR (NOT is_message AND (next_role IS DISTINCT FROM 'bot' OR next_fallback)))
),
replies AS (
    SELECT
        r.conversation_id,
        count(t.seq) AS bot_replies
    FROM first_request r
    LEFT JOIN bot_replies t
        ON t.conversation_id = r.conversation_id
       AND t.seq > r.seq
       AND (r.handoff_seq IS NULL OR t.seq < r.handoff_seq)
    GROUP BY r.conversation_id
)
SELECT
    r.conversation_id,
    'ignored_handoff_request' AS flag,
    r.message_id,
    'asked for a human ("' || left(coalesce(r.text, 'handoff requested'), 120) || '"); the bot sent '
        || CAST(p.bot_replies AS VARCHAR) || ' more repl'
        || CASE WHEN p.bot_replies = 1 THEN 'y' ELSE 'ies' END
        || CASE WHEN r.handoff_seq IS NULL THEN ' and never handed off' ELSE ' before the handoff' END
        AS detail,
    CAST(p.bot_replies AS DOUBLE) AS score
FROM first_request r
JOIN replies p ON p.conversation_id = r.conversation_id
WHERE r.handoff_seq IS NULL OR p.bot_replies >= $ignored_request_bot_replies
ORDER BY r.conversation_id;
