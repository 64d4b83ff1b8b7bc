-- name: conversations
-- description: The stored conversations table: each conversation's own columns (conversations_flagged.sql) with the two that depend on other conversations (across_conversations.sql).
-- params:
SELECT r.*, a.csat_score, a.recontacted
FROM conversation_rows r
JOIN across_conversations a USING (conversation_id);
