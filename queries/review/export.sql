-- name: export
-- description: The flagged conversations of a period, one row per flag, for reviewers to fill in verdict and note (what `handoff review export` writes). Personal data in every text column is replaced by the rules in $redact_patterns and $redact_replacements (empty lists with --no-redact); a conversation id that holds some is written as '~' and its MD5, which `handoff review import` reads back. report_anchor is the id of the conversation's element in the HTML report (see queries/report/flagged_conversations.sql).
-- params: since, until, redact_patterns, redact_replacements
WITH shown AS (
    SELECT
        f.conversation_id,
        redacted(f.conversation_id, $redact_patterns, $redact_replacements) AS shown_id,
        f.flag,
        c.started_at,
        redacted(coalesce(c.queue, ''), $redact_patterns, $redact_replacements) AS queue,
        redacted(coalesce(c.channel, ''), $redact_patterns, $redact_replacements) AS channel,
        redacted(f.message_id, $redact_patterns, $redact_replacements) AS evidence_message_id,
        redacted(f.detail, $redact_patterns, $redact_replacements) AS detail
    FROM friction_flags f
    JOIN conversations c USING (conversation_id)
    WHERE c.started_at >= CAST($since AS TIMESTAMP) AND c.started_at < CAST($until AS TIMESTAMP)
)
SELECT
    CASE WHEN shown_id = conversation_id THEN conversation_id
         ELSE '~' || md5(conversation_id) END AS conversation_id,
    flag,
    started_at,
    queue,
    channel,
    evidence_message_id,
    detail,
    'conversation-' || CASE WHEN regexp_matches(conversation_id, '^[A-Za-z0-9_.:-]{1,120}$')
                                 AND shown_id = conversation_id
                            THEN conversation_id ELSE '~' || md5(conversation_id) END AS report_anchor,
    '' AS verdict,
    '' AS note
FROM shown
ORDER BY flag, started_at, conversation_id;
