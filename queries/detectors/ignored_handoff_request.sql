-- name: ignored_handoff_request
-- description: The customer explicitly asked for a human before any handoff and the bot then sent ignored_request_bot_replies or more replies that were not the transfer (the replies the customer saw: support/bot_replies.sql), or the conversation was never handed off.
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
bot_replies_after AS (
    -- the bot's replies the customer saw (support/bot_replies.sql) but the transfer
    SELECT b.conversation_id, b.seq
    FROM bot_replies b
    WHERE NOT (b.is_message AND b.is_transfer_notice)
      AND b.conversation_id IN (SELECT conversation_id FROM first_request)
),
replies AS (
    SELECT
        r.conversation_id,
        count(t.seq) AS bot_replies
    FROM first_request r
    LEFT JOIN bot_replies_after t
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
