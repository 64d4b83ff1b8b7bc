-- name: export
-- description: The flagged conversations of a period, one row per flag, for reviewers to fill in verdict and note (what `handoff review export` writes). report_anchor is the id of the conversation's element in the HTML report (see queries/report/flagged_conversations.sql).
-- params: since, until
SELECT
    f.conversation_id,
    f.flag,
    c.started_at,
    coalesce(c.queue, '') AS queue,
    coalesce(c.channel, '') AS channel,
    f.message_id AS evidence_message_id,
    f.detail,
    'conversation-' || CASE WHEN regexp_matches(f.conversation_id, '^[A-Za-z0-9_.:-]{1,120}$')
                            THEN f.conversation_id ELSE '~' || md5(f.conversation_id) END AS report_anchor,
    '' AS verdict,
    '' AS note
FROM friction_flags f
JOIN conversations c USING (conversation_id)
WHERE c.started_at >= CAST($since AS TIMESTAMP) AND c.started_at < CAST($until AS TIMESTAMP)
ORDER BY f.flag, c.started_at, f.conversation_id;
