-- name: outcomes_by_week
-- description: Conversations per ISO week (Monday) and outcome, for a quick trend check.
-- params:
SELECT CAST(date_trunc('week', started_at) AS DATE) AS week, outcome, count(*) AS conversations
FROM conversations
GROUP BY ALL
ORDER BY week, outcome;
