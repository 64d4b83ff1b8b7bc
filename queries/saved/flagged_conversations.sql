-- name: flagged_conversations
-- description: Conversations carrying one friction flag, with the evidence detail, newest first.
-- params: flag
SELECT c.conversation_id, c.started_at, c.queue, c.channel, f.message_id, f.detail
FROM friction_flags f
JOIN conversations c USING (conversation_id)
WHERE f.flag = $flag
ORDER BY c.started_at DESC, c.conversation_id;
