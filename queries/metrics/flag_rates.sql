-- name: flag_rates
-- description: Each friction flag's rate among handed-off conversations in the period, overall and by ISO week, queue and channel. Rate = handed-off conversations with the flag / handed-off conversations in the same group; for long_queue_wait and abandoned_in_queue, handed-off conversations whose human part is in the log (handoff_outcome not_in_log left out).
-- params: since, until, timezone
WITH period AS (
    SELECT
        conversation_id, queue, channel, handed_off, handoff_outcome,
        CAST(date_trunc('week', (started_at AT TIME ZONE 'UTC') AT TIME ZONE $timezone) AS DATE) AS week
    FROM conversations
    WHERE handed_off
      AND ($since IS NULL OR started_at >= CAST($since AS TIMESTAMP))
      AND ($until IS NULL OR started_at < CAST($until AS TIMESTAMP))
),
denominators AS (
    SELECT
        CASE WHEN grouping(week) = 0 THEN 'week' WHEN grouping(queue) = 0 THEN 'queue'
             WHEN grouping(channel) = 0 THEN 'channel' ELSE 'all' END AS dimension,
        CASE WHEN grouping(week) = 0 THEN CAST(week AS VARCHAR)
             WHEN grouping(queue) = 0 THEN coalesce(queue, '(none)')
             WHEN grouping(channel) = 0 THEN coalesce(channel, '(none)') ELSE 'all' END AS "key",
        count(*) AS handed_off,
        count(*) FILTER (WHERE handoff_outcome <> 'not_in_log') AS handed_off_in_log
    FROM period
    GROUP BY GROUPING SETS ((), (week), (queue), (channel))
),
flagged AS (
    SELECT DISTINCT p.conversation_id, p.week, p.queue, p.channel, f.flag
    FROM period p
    JOIN friction_flags f USING (conversation_id)
),
numerators AS (
    SELECT
        flag,
        CASE WHEN grouping(week) = 0 THEN 'week' WHEN grouping(queue) = 0 THEN 'queue'
             WHEN grouping(channel) = 0 THEN 'channel' ELSE 'all' END AS dimension,
        CASE WHEN grouping(week) = 0 THEN CAST(week AS VARCHAR)
             WHEN grouping(queue) = 0 THEN coalesce(queue, '(none)')
             WHEN grouping(channel) = 0 THEN coalesce(channel, '(none)') ELSE 'all' END AS "key",
        count(*) AS flagged
    FROM flagged
    GROUP BY GROUPING SETS ((flag), (flag, week), (flag, queue), (flag, channel))
)
SELECT
    n.flag,
    n.dimension,
    n."key",
    n.flagged,
    CASE WHEN n.flag IN ('long_queue_wait', 'abandoned_in_queue') THEN d.handed_off_in_log
         ELSE d.handed_off END AS handed_off,
    CAST(n.flagged AS DOUBLE) / nullif(CASE WHEN n.flag IN ('long_queue_wait', 'abandoned_in_queue')
                                            THEN d.handed_off_in_log ELSE d.handed_off END, 0) AS rate
FROM numerators n
JOIN denominators d USING (dimension, "key")
ORDER BY n.flag, n.dimension, n."key";
