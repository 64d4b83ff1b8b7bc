-- name: repeats_by_topic
-- description: How often customers had to repeat themselves after a handoff, by the intent (topic) the bot recognised first.
-- params:
SELECT
    coalesce(c.intent, '(none)') AS topic,
    count(*) AS handed_off,
    count(*) FILTER (WHERE list_contains(c.flags, 'customer_repeated')) AS customer_repeated,
    round(100.0 * count(*) FILTER (WHERE list_contains(c.flags, 'customer_repeated')) / count(*), 1) AS repeat_pct
FROM conversations c
WHERE c.handed_off
GROUP BY ALL
ORDER BY customer_repeated DESC, topic;
