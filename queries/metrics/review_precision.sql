-- name: review_precision
-- description: Each flag's measured precision from reviewers' verdicts so far: confirmed / (confirmed + false_positive), using each reviewer's latest verdict per flagged conversation.
-- params:
WITH latest AS (
    SELECT conversation_id, flag, reviewer, verdict
    FROM reviews
    QUALIFY row_number() OVER (
        PARTITION BY conversation_id, flag, reviewer ORDER BY reviewed_at DESC, verdict) = 1
)
SELECT
    flag,
    count(*) AS reviewed,
    count(*) FILTER (WHERE verdict = 'confirmed') AS confirmed,
    count(*) FILTER (WHERE verdict = 'false_positive') AS false_positive,
    count(*) FILTER (WHERE verdict = 'unsure') AS unsure,
    CAST(count(*) FILTER (WHERE verdict = 'confirmed') AS DOUBLE)
        / nullif(count(*) FILTER (WHERE verdict IN ('confirmed', 'false_positive')), 0) AS precision
FROM latest
GROUP BY flag
ORDER BY flag;
