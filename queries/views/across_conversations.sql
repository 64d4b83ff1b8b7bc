-- name: across_conversations
-- description: The two columns of a conversation that depend on other conversations, over the rows of `conversation_rows` (each conversation's own columns): csat_score, the CSAT as a 0-1 score, read on a 0-10 scale when the conversation says so or any conversation's score in the data is above 5 (the corpus statistic csat_above_five), else on 1-5; and recontacted, whether the same customer started another conversation within recontact_days after this one ended (rules in docs/metrics.md). A refresh that derives only some conversations runs it again over every conversation of their customers (docs/incremental.md).
-- params: recontact_days
SELECT
    conversation_id,
    CASE
        WHEN csat IS NULL THEN NULL
        WHEN coalesce(csat_scale, CASE WHEN (SELECT coalesce(sum(conversations), 0) FROM csat_above_five) > 0
                                        THEN 10 ELSE 5 END) = 10
            THEN least(greatest(csat / 10.0, 0.0), 1.0)
        ELSE least(greatest((csat - 1) / 4.0, 0.0), 1.0)
    END AS csat_score,
    CASE
        WHEN customer_id IS NULL THEN NULL
        ELSE coalesce(epoch(lead(started_at) OVER (
                 PARTITION BY customer_id ORDER BY started_at, conversation_id)) - epoch(ended_at)
                 <= $recontact_days * 86400, false)
    END AS recontacted
FROM conversation_rows;
