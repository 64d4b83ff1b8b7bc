-- name: conversations_by_role
-- description: How many conversations hold a message from each role: a corpus statistic kept up to date by every load from the conversations it touches (see docs/incremental.md).
-- params:
-- keys: role
SELECT role, count(DISTINCT conversation_id) AS conversations
FROM turns
WHERE is_message
GROUP BY role;
