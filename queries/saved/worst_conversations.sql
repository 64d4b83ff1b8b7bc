-- name: worst_conversations
-- description: The period's handed-off conversations with the most friction flags, then the longest waits: where the review meeting starts.
-- params: since, until, limit
SELECT conversation_id, started_at, queue, channel, friction_count, flags,
       round(wait_seconds) AS wait_s, handoff_outcome
FROM conversations
WHERE handed_off AND friction_count > 0
  AND started_at >= CAST($since AS TIMESTAMP) AND started_at < CAST($until AS TIMESTAMP)
ORDER BY friction_count DESC, wait_seconds DESC NULLS LAST, conversation_id
LIMIT CAST($limit AS INTEGER);
