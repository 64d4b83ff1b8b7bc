-- name: flagged_conversations
-- description: The drill-down ranking, shared by the report and `handoff spark-run`: the period's conversations with at least one friction flag, worst first (highest severity: the sum of its flags' weights from $severity_flags / $severity_weights, the cost of friction; then most distinct flags, then longest wait), at most $max_conversations, per ISO week (Monday, UTC) when $per_week; `flagged_total` counts them all and `flagged_handed_off` those handed off (per week when $per_week). `anchor` is the id of the conversation's element in the report: 'conversation-' and the conversation id when that is 1 to 120 letters, digits, '_', '.', ':' or '-', else 'conversation-~' and the id's MD5 (the same rule as the review sheet's report_anchor).
-- params: since, until, max_conversations, per_week, severity_flags, severity_weights
WITH weights AS (
    SELECT unnest($severity_flags) AS flag, unnest($severity_weights) AS weight
),
counted AS (
    SELECT
        f.conversation_id,
        count(DISTINCT f.flag) AS flag_count,
        sum(coalesce(w.weight, 0)) AS severity
    FROM (SELECT DISTINCT conversation_id, flag FROM friction_flags) f
    LEFT JOIN weights w ON w.flag = f.flag
    GROUP BY f.conversation_id
),
ranked AS (
    SELECT
        c.conversation_id,
        'conversation-' || CASE WHEN regexp_matches(c.conversation_id, '^[A-Za-z0-9_.:-]{1,120}$')
                                THEN c.conversation_id ELSE '~' || md5(c.conversation_id) END AS anchor,
        c.started_at,
        c.channel,
        c.intent,
        c.queue,
        c.final_queue,
        c.outcome,
        c.handoff_outcome,
        c.handoff_reason,
        c.wait_seconds,
        f.flag_count,
        f.severity,
        CAST(date_trunc('week', c.started_at) AS DATE) AS week,
        row_number() OVER (
            PARTITION BY CASE WHEN $per_week THEN CAST(date_trunc('week', c.started_at) AS DATE) END
            ORDER BY f.severity DESC, f.flag_count DESC, c.wait_seconds DESC NULLS LAST,
                     c.started_at, c.conversation_id) AS rank_in_group,
        count(*) OVER (
            PARTITION BY CASE WHEN $per_week THEN CAST(date_trunc('week', c.started_at) AS DATE) END
        ) AS flagged_total,
        sum(CASE WHEN c.handed_off THEN 1 ELSE 0 END) OVER (
            PARTITION BY CASE WHEN $per_week THEN CAST(date_trunc('week', c.started_at) AS DATE) END
        ) AS flagged_handed_off
    FROM conversations c
    JOIN counted f USING (conversation_id)
    WHERE ($since IS NULL OR c.started_at >= CAST($since AS TIMESTAMP))
      AND ($until IS NULL OR c.started_at < CAST($until AS TIMESTAMP))
)
SELECT *
FROM ranked
WHERE rank_in_group <= $max_conversations
ORDER BY CASE WHEN $per_week THEN week END, rank_in_group, conversation_id;
