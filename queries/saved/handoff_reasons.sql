-- name: handoff_reasons
-- description: Why handoffs happened (conversations.handoff_reason), in conversations started from since until until (both optional), overall and by first intent and first queue, with how many of them the bot should have made earlier (a bot_loop or ignored_handoff_request flag) and the share of the group's handoffs.
-- params: since?, until?
WITH late_ones AS (
    SELECT DISTINCT conversation_id
    FROM friction_flags
    WHERE flag IN ('bot_loop', 'ignored_handoff_request')
),
handed AS (
    SELECT
        c.conversation_id, c.handoff_reason, coalesce(c.intent, '(none)') AS intent,
        coalesce(c.queue, '(none)') AS queue,
        l.conversation_id IS NOT NULL AS late
    FROM conversations c
    LEFT JOIN late_ones l USING (conversation_id)
    WHERE c.handed_off
      AND ($since IS NULL OR c.started_at >= CAST($since AS TIMESTAMP))
      AND ($until IS NULL OR c.started_at < CAST($until AS TIMESTAMP))
),
grouped AS (
    SELECT
        CASE WHEN grouping(intent) = 0 THEN 'intent' WHEN grouping(queue) = 0 THEN 'queue'
             ELSE 'all' END AS dimension,
        CASE WHEN grouping(intent) = 0 THEN intent WHEN grouping(queue) = 0 THEN queue
             ELSE 'all' END AS "key",
        handoff_reason,
        count(*) AS handoffs,
        count(*) FILTER (WHERE late) AS late
    FROM handed
    GROUP BY GROUPING SETS ((handoff_reason), (intent, handoff_reason), (queue, handoff_reason))
)
SELECT
    dimension, "key", handoff_reason, handoffs, late,
    CAST(sum(handoffs) OVER (PARTITION BY dimension, "key") AS BIGINT) AS group_handoffs,
    CAST(handoffs AS DOUBLE) / sum(handoffs) OVER (PARTITION BY dimension, "key") AS share
FROM grouped
ORDER BY dimension, "key", handoffs DESC, handoff_reason;
