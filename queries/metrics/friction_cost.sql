-- name: friction_cost
-- description: What each friction flag costs, against handed-off conversations of the period without it: the difference in normalised CSAT (0-1), agent handle time (seconds, first to last agent message), recontact rate (customers back within the recontact window) and resolution after handoff (an agent engaged and the customer did not come back), each with a 95% normal-approximation confidence interval and the counts behind it. `harm` adds the differences that hurt (CSAT drop, recontact rise, resolution drop, handle time rise as a share of the unflagged mean, each floored at 0); `severity` = flagged conversations x harm orders flags and conversations in the report.
-- params: since, until
WITH handed AS (
    SELECT conversation_id, csat_score, agent_handle_seconds,
           CASE WHEN customer_id IS NOT NULL THEN CAST(recontacted AS INTEGER) END AS back,
           CASE WHEN handoff_outcome = 'agent_engaged' AND NOT coalesce(recontacted, false)
                THEN 1 ELSE 0 END AS resolved
    FROM conversations
    WHERE handed_off
      AND ($since IS NULL OR started_at >= CAST($since AS TIMESTAMP))
      AND ($until IS NULL OR started_at < CAST($until AS TIMESTAMP))
),
pairs AS (
    SELECT DISTINCT f.conversation_id, f.flag
    FROM friction_flags f JOIN handed h USING (conversation_id)
),
flags AS (
    SELECT DISTINCT flag FROM pairs
),
marked AS (
    SELECT g.flag, h.*, p.conversation_id IS NOT NULL AS has_flag
    FROM flags g
    CROSS JOIN handed h
    LEFT JOIN pairs p ON p.conversation_id = h.conversation_id AND p.flag = g.flag
),
sides AS (
    SELECT
        flag,
        count(*) FILTER (WHERE has_flag) AS flagged,
        count(*) FILTER (WHERE NOT has_flag) AS unflagged,
        count(csat_score) FILTER (WHERE has_flag) AS csat_n1,
        count(csat_score) FILTER (WHERE NOT has_flag) AS csat_n0,
        avg(csat_score) FILTER (WHERE has_flag) AS csat_1,
        avg(csat_score) FILTER (WHERE NOT has_flag) AS csat_0,
        var_samp(csat_score) FILTER (WHERE has_flag) AS csat_v1,
        var_samp(csat_score) FILTER (WHERE NOT has_flag) AS csat_v0,
        count(agent_handle_seconds) FILTER (WHERE has_flag) AS handle_n1,
        count(agent_handle_seconds) FILTER (WHERE NOT has_flag) AS handle_n0,
        avg(agent_handle_seconds) FILTER (WHERE has_flag) AS handle_1,
        avg(agent_handle_seconds) FILTER (WHERE NOT has_flag) AS handle_0,
        var_samp(agent_handle_seconds) FILTER (WHERE has_flag) AS handle_v1,
        var_samp(agent_handle_seconds) FILTER (WHERE NOT has_flag) AS handle_v0,
        count(back) FILTER (WHERE has_flag) AS back_n1,
        count(back) FILTER (WHERE NOT has_flag) AS back_n0,
        avg(back) FILTER (WHERE has_flag) AS back_1,
        avg(back) FILTER (WHERE NOT has_flag) AS back_0,
        avg(resolved) FILTER (WHERE has_flag) AS resolved_1,
        avg(resolved) FILTER (WHERE NOT has_flag) AS resolved_0
    FROM marked
    GROUP BY flag
),
diffs AS (
    SELECT
        *,
        csat_1 - csat_0 AS csat_diff,
        1.96 * sqrt(csat_v1 / nullif(csat_n1, 0) + csat_v0 / nullif(csat_n0, 0)) AS csat_ci,
        handle_1 - handle_0 AS handle_diff,
        1.96 * sqrt(handle_v1 / nullif(handle_n1, 0) + handle_v0 / nullif(handle_n0, 0)) AS handle_ci,
        back_1 - back_0 AS back_diff,
        1.96 * sqrt(back_1 * (1 - back_1) / nullif(back_n1, 0)
                    + back_0 * (1 - back_0) / nullif(back_n0, 0)) AS back_ci,
        resolved_1 - resolved_0 AS resolved_diff,
        1.96 * sqrt(resolved_1 * (1 - resolved_1) / nullif(flagged, 0)
                    + resolved_0 * (1 - resolved_0) / nullif(unflagged, 0)) AS resolved_ci
    FROM sides
)
SELECT
    *,
    greatest(coalesce(-csat_diff, 0), 0) + greatest(coalesce(back_diff, 0), 0)
        + greatest(coalesce(-resolved_diff, 0), 0)
        + greatest(coalesce(handle_diff / nullif(handle_0, 0), 0), 0) AS harm,
    flagged * (greatest(coalesce(-csat_diff, 0), 0) + greatest(coalesce(back_diff, 0), 0)
        + greatest(coalesce(-resolved_diff, 0), 0)
        + greatest(coalesce(handle_diff / nullif(handle_0, 0), 0), 0)) AS severity
FROM diffs
ORDER BY severity DESC, flagged DESC, flag;
