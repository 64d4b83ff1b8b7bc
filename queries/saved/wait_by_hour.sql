-- name: wait_by_hour
-- description: Handoffs and the median and p90 wait for a first agent message by hour of day of the handoff, in a time zone (e.g. --param timezone=Europe/London).
-- params: timezone
SELECT
    hour((handoff_at AT TIME ZONE 'UTC') AT TIME ZONE $timezone) AS hour_of_day,
    count(*) AS handoffs,
    round(quantile_cont(wait_seconds, 0.5)) AS median_wait_s,
    round(quantile_cont(wait_seconds, 0.9)) AS p90_wait_s,
    count(*) FILTER (WHERE handoff_outcome = 'abandoned_in_queue') AS abandoned_in_queue
FROM conversations
WHERE handed_off AND handoff_at IS NOT NULL
GROUP BY ALL
ORDER BY hour_of_day;
