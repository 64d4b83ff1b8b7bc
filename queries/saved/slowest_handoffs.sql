-- name: slowest_handoffs
-- description: The handed-off conversations whose customers waited longest for a first agent message.
-- params: limit
SELECT conversation_id, started_at, queue, channel, round(wait_seconds) AS wait_s, handoff_outcome, flags
FROM conversations
WHERE wait_seconds IS NOT NULL
ORDER BY wait_seconds DESC, conversation_id
LIMIT CAST($limit AS INTEGER);
