-- name: long_queue_wait
-- description: Handed-off conversations whose first agent message came more than long_queue_wait_seconds after the handoff. Conversations without timestamps cannot be judged and are never flagged.
-- params: long_queue_wait_seconds
SELECT
    c.conversation_id,
    'long_queue_wait' AS flag,
    t.message_id,
    'first agent message ' || CAST(CAST(round(c.wait_seconds) AS BIGINT) AS VARCHAR)
        || ' s after the handoff (threshold ' || CAST($long_queue_wait_seconds AS VARCHAR)
        || ' s): "' || left(coalesce(t.text, ''), 120) || '"' AS detail,
    CAST(c.wait_seconds AS DOUBLE) AS score
FROM conversation_outcomes c
JOIN turns t ON t.conversation_id = c.conversation_id AND t.seq = c.first_agent_seq
WHERE c.wait_seconds > $long_queue_wait_seconds
ORDER BY c.conversation_id;
