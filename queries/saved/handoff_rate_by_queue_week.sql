-- name: handoff_rate_by_queue_week
-- description: Handed-off conversations, abandonment in queue and friction per first-routed queue and ISO week (Monday).
-- params:
SELECT
    CAST(date_trunc('week', started_at) AS DATE) AS week,
    coalesce(queue, '(none)') AS queue,
    count(*) AS handed_off,
    count(*) FILTER (WHERE handoff_outcome = 'abandoned_in_queue') AS abandoned_in_queue,
    count(*) FILTER (WHERE friction_count > 0) AS with_friction,
    round(quantile_cont(wait_seconds, 0.5)) AS median_wait_s
FROM conversations
WHERE handed_off
GROUP BY ALL
ORDER BY week, queue;
