-- name: quantile_intervals
-- description: Distribution-free 95% confidence intervals of the period's median and 90th percentile time to agent and median bot turns before handoff: the order statistics at ranks n·q − 1.96·√(n·q·(1−q)) (rounded down) and n·q + 1.96·√(n·q·(1−q)) + 1 (rounded up), kept within 1..n. The report calls a change of such a metric within noise when the two periods' intervals overlap.
-- params: since, until
WITH period AS (
    SELECT wait_seconds, bot_turns_before_handoff
    FROM conversations
    WHERE ($since IS NULL OR started_at >= CAST($since AS TIMESTAMP))
      AND ($until IS NULL OR started_at < CAST($until AS TIMESTAMP))
),
observed AS (
    SELECT 'time_to_agent_median_s' AS metric, 0.5 AS q, CAST(wait_seconds AS DOUBLE) AS v
    FROM period WHERE wait_seconds IS NOT NULL
    UNION ALL
    SELECT 'time_to_agent_p90_s', 0.9, CAST(wait_seconds AS DOUBLE)
    FROM period WHERE wait_seconds IS NOT NULL
    UNION ALL
    SELECT 'bot_turns_before_handoff_median', 0.5, CAST(bot_turns_before_handoff AS DOUBLE)
    FROM period WHERE bot_turns_before_handoff IS NOT NULL
),
ranked AS (
    SELECT
        metric, q, v,
        row_number() OVER (PARTITION BY metric ORDER BY v) AS r,
        count(*) OVER (PARTITION BY metric) AS n
    FROM observed
),
bounded AS (
    SELECT
        metric, v, r, n,
        greatest(1, CAST(floor(n * q - 1.96 * sqrt(n * q * (1 - q))) AS BIGINT)) AS lo,
        least(n, CAST(ceil(n * q + 1.96 * sqrt(n * q * (1 - q))) AS BIGINT) + 1) AS hi
    FROM ranked
)
SELECT
    metric,
    max(n) AS n,
    min(v) FILTER (WHERE r = lo) AS lower,
    min(v) FILTER (WHERE r = hi) AS upper
FROM bounded
GROUP BY metric
ORDER BY metric;
