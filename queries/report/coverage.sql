-- name: coverage
-- description: What the period's logs can measure: conversations with a bot message, an agent message or a handoff, times, a customer id, a CSAT score and an agent handle time. A count of zero makes the metrics that need it "not measurable here" in the report.
-- params: since, until
SELECT
    count(*) AS conversations,
    count(*) FILTER (WHERE bot_messages > 0) AS with_bot,
    count(*) FILTER (WHERE agent_messages > 0) AS with_agent,
    count(*) FILTER (WHERE handed_off) AS with_handoff,
    count(*) FILTER (WHERE wait_seconds IS NOT NULL) AS with_wait,
    count(*) FILTER (WHERE started_at IS NOT NULL) AS with_times,
    count(*) FILTER (WHERE customer_id IS NOT NULL) AS with_customer_id,
    count(*) FILTER (WHERE csat_score IS NOT NULL) AS with_csat,
    count(*) FILTER (WHERE agent_handle_seconds IS NOT NULL) AS with_handle_time
FROM conversations
WHERE ($since IS NULL OR started_at >= CAST($since AS TIMESTAMP))
  AND ($until IS NULL OR started_at < CAST($until AS TIMESTAMP))
ORDER BY conversations;
