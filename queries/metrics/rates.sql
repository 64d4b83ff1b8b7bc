-- name: rates
-- description: Outcome counts and rates for the period, overall and by day and ISO week (Monday) of $timezone, queue, channel, intent (topic) and bot version. Numerators and denominators are in analyzer/metrics.py and docs/metrics.md. `recontact_unsettled` counts conversations with a customer id that ended less than $recontact_days days before the data does: whether they come back is not known yet.
-- params: since, until, timezone, recontact_days
WITH data_end AS (
    SELECT max(ended_at) AS ended FROM conversations
),
period AS (
    SELECT
        c.*,
        epoch(d.ended) - epoch(c.ended_at) < $recontact_days * 86400 AS recontact_open,
        CAST((started_at AT TIME ZONE 'UTC') AT TIME ZONE $timezone AS DATE) AS day,
        CAST(date_trunc('week', (started_at AT TIME ZONE 'UTC') AT TIME ZONE $timezone) AS DATE) AS week
    FROM conversations c
    CROSS JOIN data_end d
    WHERE ($since IS NULL OR started_at >= CAST($since AS TIMESTAMP))
      AND ($until IS NULL OR started_at < CAST($until AS TIMESTAMP))
),
grouped AS (
    SELECT
        CASE
            WHEN grouping(day) = 0 THEN 'day'
            WHEN grouping(week) = 0 THEN 'week'
            WHEN grouping(queue) = 0 THEN 'queue'
            WHEN grouping(channel) = 0 THEN 'channel'
            WHEN grouping(intent) = 0 THEN 'intent'
            WHEN grouping(bot_version) = 0 THEN 'bot_version'
            ELSE 'all'
        END AS dimension,
        CASE
            WHEN grouping(day) = 0 THEN CAST(day AS VARCHAR)
            WHEN grouping(week) = 0 THEN CAST(week AS VARCHAR)
            WHEN grouping(queue) = 0 THEN coalesce(queue, '(none)')
            WHEN grouping(channel) = 0 THEN coalesce(channel, '(none)')
            WHEN grouping(intent) = 0 THEN coalesce(intent, '(none)')
            WHEN grouping(bot_version) = 0 THEN coalesce(bot_version, '(none)')
            ELSE 'all'
        END AS "key",
        count(*) AS conversations,
        count(*) FILTER (WHERE engaged) AS engaged,
        count(*) FILTER (WHERE outcome = 'bot_resolved') AS bot_resolved,
        count(*) FILTER (WHERE resolution = 'confirmed') AS resolved_confirmed,
        count(*) FILTER (WHERE resolution = 'assumed') AS resolved_assumed,
        count(*) FILTER (WHERE handed_off) AS handed_off,
        count(*) FILTER (WHERE outcome = 'abandoned') AS abandoned,
        count(*) FILTER (WHERE outcome = 'unengaged') AS unengaged,
        count(*) FILTER (WHERE handoff_outcome = 'agent_engaged') AS agent_engaged,
        count(*) FILTER (WHERE handoff_outcome = 'abandoned_in_queue') AS abandoned_in_queue,
        count(*) FILTER (WHERE handoff_outcome = 'handoff_failed') AS handoff_failed,
        count(*) FILTER (WHERE handoff_outcome = 'not_in_log') AS not_in_log,
        count(*) FILTER (WHERE handed_off AND handoff_outcome <> 'not_in_log') AS handed_off_in_log,
        count(*) FILTER (WHERE handed_off AND friction_count > 0) AS handed_off_with_friction,
        count(*) FILTER (WHERE handed_off AND friction_count = 0) AS handed_off_graceful,
        count(*) FILTER (WHERE engaged AND customer_id IS NOT NULL) AS engaged_identified,
        count(*) FILTER (WHERE outcome = 'bot_resolved' AND customer_id IS NOT NULL
                         AND NOT recontacted) AS durable_resolved,
        count(*) FILTER (WHERE handed_off AND customer_id IS NOT NULL) AS handed_off_identified,
        count(*) FILTER (WHERE handed_off AND recontacted) AS recontacted_after_handoff,
        count(*) FILTER (WHERE engaged AND customer_id IS NOT NULL AND recontact_open)
            AS recontact_unsettled,
        quantile_cont(wait_seconds, 0.5) AS time_to_agent_median_s,
        quantile_cont(wait_seconds, 0.9) AS time_to_agent_p90_s,
        quantile_cont(bot_turns_before_handoff, 0.5) AS bot_turns_before_handoff_median
    FROM period
    GROUP BY GROUPING SETS ((), (day), (week), (queue), (channel), (intent), (bot_version))
)
SELECT
    *,
    CAST(bot_resolved AS DOUBLE) / nullif(engaged, 0) AS bot_resolution_rate,
    CAST(resolved_confirmed AS DOUBLE) / nullif(engaged, 0) AS confirmed_resolution_rate,
    CAST(resolved_assumed AS DOUBLE) / nullif(engaged, 0) AS assumed_resolution_rate,
    CAST(handed_off AS DOUBLE) / nullif(engaged, 0) AS handoff_rate,
    CAST(abandoned AS DOUBLE) / nullif(engaged, 0) AS abandonment_rate,
    -- a handoff whose human part is not in the log can be neither abandoned nor waited for
    CAST(abandoned_in_queue AS DOUBLE) / nullif(handed_off_in_log, 0) AS abandoned_in_queue_rate,
    CAST(not_in_log AS DOUBLE) / nullif(handed_off, 0) AS not_in_log_rate,
    CAST(handoff_failed AS DOUBLE) / nullif(handed_off, 0) AS handoff_failed_rate,
    CAST(handed_off_with_friction AS DOUBLE) / nullif(handed_off, 0) AS friction_rate,
    CAST(handed_off_graceful AS DOUBLE) / nullif(handed_off, 0) AS graceful_handoff_rate,
    CAST(durable_resolved AS DOUBLE) / nullif(engaged_identified, 0) AS durable_resolution_rate,
    CAST(recontacted_after_handoff AS DOUBLE) / nullif(handed_off_identified, 0)
        AS recontact_after_handoff_rate
FROM grouped
ORDER BY dimension, "key";
