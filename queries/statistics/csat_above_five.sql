-- name: csat_above_five
-- description: How many conversations have a CSAT score (their last metadata.csat) above 5: when any has, a score without a csat_scale is read on 0-10, else on 1-5 (across_conversations.sql). A corpus statistic kept up to date by every load from the conversations it touches (see docs/incremental.md).
-- params:
-- keys: scale
SELECT '0-10' AS scale, count(*) AS conversations
FROM (
    SELECT conversation_id,
           arg_max(try_cast(json_extract_string(metadata, '$.csat') AS DOUBLE), seq)
               FILTER (WHERE try_cast(json_extract_string(metadata, '$.csat') AS DOUBLE) IS NOT NULL)
               AS csat
    FROM turns
    WHERE metadata IS NOT NULL
    GROUP BY conversation_id
)
WHERE csat > 5
GROUP BY 1;
