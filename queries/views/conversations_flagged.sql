-- name: conversations_flagged
-- description: Each conversation_outcomes row with its friction count and sorted flag list attached: the conversations table but for the columns that depend on other conversations (conversations.sql).
-- params:
SELECT
    c.*,
    coalesce(f.friction_count, 0) AS friction_count,
    coalesce(f.flags, CAST([] AS VARCHAR[])) AS flags
FROM conversation_outcomes c
LEFT JOIN (
    SELECT conversation_id,
           count(DISTINCT flag) AS friction_count,
           array_sort(array_distinct(list(flag))) AS flags
    FROM friction_flags
    GROUP BY conversation_id
) f USING (conversation_id);
