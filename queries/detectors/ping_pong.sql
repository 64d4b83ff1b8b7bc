-- name: ping_pong
-- description: The conversation bounced: ping_pong_bounces or more bot-to-agent handoffs (bot -> agent -> bot -> agent), or that many transfers between agents or queues.
-- params: ping_pong_bounces
WITH speakers AS (
    SELECT
        conversation_id, seq, message_id, role,
        lag(role) OVER (PARTITION BY conversation_id ORDER BY seq) AS prev_role
    FROM turns
    WHERE is_message AND role IN ('bot', 'agent')
),
moves AS (
    SELECT conversation_id, seq, message_id, 'handoff' AS kind
    FROM speakers
    WHERE role = 'agent' AND prev_role = 'bot'
    UNION ALL
    -- another agent took over from the one before, for the first time (support/agent_changes.sql:
    -- two agents writing by turns are no bounce)
    SELECT conversation_id, seq, message_id, 'agent change'
    FROM agent_changes
    WHERE is_new_agent
    UNION ALL
    -- a transfer that moved the customer (support/transfers.sql: a failed one moved nobody)
    SELECT conversation_id, seq, message_id, 'transfer'
    FROM transfers
),
counted AS (
    SELECT
        conversation_id,
        count(*) FILTER (WHERE kind = 'handoff') AS handoffs,
        greatest(count(*) FILTER (WHERE kind = 'transfer'),
                 count(*) FILTER (WHERE kind = 'agent change')) AS transfers,
        arg_max(message_id, seq) AS last_message_id,
        max(seq) AS last_seq
    FROM moves
    GROUP BY conversation_id
)
SELECT
    conversation_id,
    'ping_pong' AS flag,
    last_message_id AS message_id,
    CAST(handoffs AS VARCHAR) || ' bot-to-agent handoff' || CASE WHEN handoffs = 1 THEN '' ELSE 's' END
        || ' and ' || CAST(transfers AS VARCHAR) || ' transfer'
        || CASE WHEN transfers = 1 THEN '' ELSE 's' END || ' between agents or queues' AS detail,
    CAST(greatest(handoffs, transfers) AS DOUBLE) AS score
FROM counted
WHERE handoffs >= $ping_pong_bounces OR transfers >= $ping_pong_bounces
ORDER BY conversation_id;
