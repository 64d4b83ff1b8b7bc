-- name: latest_activity
-- description: The last moment the data reaches (the latest conversation end, UTC), which decides the latest complete ISO week and whether a week's recontacts are settled.
-- params:
SELECT max(ended_at) AS last_activity, count(*) AS conversations
FROM conversations
ORDER BY last_activity;
