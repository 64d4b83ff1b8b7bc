-- name: flagged_conversations
-- description: The period's conversations with at least one friction flag, worst first (most distinct flags, then longest wait), capped at $max_conversations; `flagged_total` counts them all. `anchor` is the id of the conversation's element in the report: 'conversation-' and the conversation id when that is 1 to 120 letters, digits, '_', '.', ':' or '-', else 'conversation-~' and the id's MD5 (the same rule as the review sheet's report_anchor).
-- params: since, until, max_conversations
WITH counted AS (
    SELECT conversation_id, count(DISTINCT flag) AS flag_count
    FROM friction_flags
    GROUP BY conversation_id
)
SELECT
    c.conversation_id,
    'conversation-' || CASE WHEN regexp_matches(c.conversation_id, '^[A-Za-z0-9_.:-]{1,120}$')
                            THEN c.conversation_id ELSE '~' || md5(c.conversation_id) END AS anchor,
    c.started_at,
    c.channel,
    c.intent,
    c.queue,
    c.final_queue,
    c.outcome,
    c.handoff_outcome,
    c.wait_seconds,
    f.flag_count,
    count(*) OVER () AS flagged_total
FROM conversations c
JOIN counted f USING (conversation_id)
WHERE ($since IS NULL OR c.started_at >= CAST($since AS TIMESTAMP))
  AND ($until IS NULL OR c.started_at < CAST($until AS TIMESTAMP))
ORDER BY f.flag_count DESC, c.wait_seconds DESC NULLS LAST, c.started_at, c.conversation_id
LIMIT $max_conversations;
