-- name: missing_transition
-- description: Handed-off conversations where no bot or system message told the customer they were being transferred before the first agent message (or, when no agent wrote, before the end). Conversations whose handoff the platform reported as failed are left to handoff_failed.
-- params:
WITH handed AS (
    SELECT conversation_id, handoff_seq, first_agent_seq, handoff_outcome
    FROM conversations
    WHERE handed_off AND handoff_outcome <> 'handoff_failed' AND has_bot_side
),
per_conversation AS (
    SELECT
        h.conversation_id,
        h.handoff_seq,
        h.first_agent_seq,
        bool_or(t.is_transfer_notice
                AND (h.first_agent_seq IS NULL OR t.seq < h.first_agent_seq)) AS told,
        max(t.seq) FILTER (WHERE t.role = 'bot' AND t.is_message
                           AND (h.first_agent_seq IS NULL OR t.seq < h.first_agent_seq))
            AS last_bot_seq
    FROM handed h
    JOIN turns t ON t.conversation_id = h.conversation_id
    GROUP BY h.conversation_id, h.handoff_seq, h.first_agent_seq
)
SELECT
    p.conversation_id,
    'missing_transition' AS flag,
    e.message_id,
    CASE WHEN p.first_agent_seq IS NOT NULL
         THEN 'agent wrote with no transfer notice first: "' || left(coalesce(e.text, ''), 100) || '"'
         ELSE 'handed off (' || e.event || ') with no transfer notice to the customer' END
        || CASE WHEN b.text IS NOT NULL
                THEN '; last bot message: "' || left(b.text, 100) || '"' ELSE '' END AS detail,
    CAST(NULL AS DOUBLE) AS score
FROM per_conversation p
JOIN turns e ON e.conversation_id = p.conversation_id
            AND e.seq = coalesce(p.first_agent_seq, p.handoff_seq)
LEFT JOIN turns b ON b.conversation_id = p.conversation_id AND b.seq = p.last_bot_seq
WHERE NOT coalesce(p.told, false)
ORDER BY p.conversation_id;
