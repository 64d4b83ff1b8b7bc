-- name: bot_phase_flags
-- description: Flags on engaged conversations of the period that never reached a human (bot_loop, ignored_handoff_request and any other flag raised before a handoff that never came), with their own denominator: engaged conversations not handed off.
-- params: since, until
WITH period AS (
    SELECT conversation_id
    FROM conversations
    WHERE engaged AND NOT handed_off
      AND ($since IS NULL OR started_at >= CAST($since AS TIMESTAMP))
      AND ($until IS NULL OR started_at < CAST($until AS TIMESTAMP))
)
SELECT
    f.flag,
    count(DISTINCT f.conversation_id) AS flagged,
    (SELECT count(*) FROM period) AS not_handed_off
FROM friction_flags f
JOIN period p USING (conversation_id)
GROUP BY f.flag
ORDER BY flagged DESC, f.flag;
