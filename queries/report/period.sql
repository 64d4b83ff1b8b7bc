-- name: period
-- description: How many conversations the period holds, when the first and last of them started and how many name an intent and a bot version, beside the count and start times for the whole database.
-- params: since, until
SELECT
    count(*) FILTER (WHERE ($since IS NULL OR started_at >= CAST($since AS TIMESTAMP))
                       AND ($until IS NULL OR started_at < CAST($until AS TIMESTAMP))) AS conversations,
    min(started_at) FILTER (WHERE ($since IS NULL OR started_at >= CAST($since AS TIMESTAMP))
                              AND ($until IS NULL OR started_at < CAST($until AS TIMESTAMP))) AS first_start,
    max(started_at) FILTER (WHERE ($since IS NULL OR started_at >= CAST($since AS TIMESTAMP))
                              AND ($until IS NULL OR started_at < CAST($until AS TIMESTAMP))) AS last_start,
    count(intent) FILTER (WHERE ($since IS NULL OR started_at >= CAST($since AS TIMESTAMP))
                            AND ($until IS NULL OR started_at < CAST($until AS TIMESTAMP))) AS with_intent,
    count(bot_version) FILTER (WHERE ($since IS NULL OR started_at >= CAST($since AS TIMESTAMP))
                                 AND ($until IS NULL OR started_at < CAST($until AS TIMESTAMP))) AS with_bot_version,
    count(*) AS database_conversations,
    min(started_at) AS database_first_start,
    max(started_at) AS database_last_start
FROM conversations
ORDER BY database_conversations;
