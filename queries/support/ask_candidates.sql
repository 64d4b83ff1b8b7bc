-- name: ask_candidates
-- description: Bot and agent messages that ask for some kind of information, in conversations an agent answered; the per-kind ask patterns then run only on these.
-- params: ask_any_re
SELECT t.conversation_id, t.seq, t.text
FROM turns t
JOIN conversation_outcomes c USING (conversation_id)
WHERE c.first_agent_seq IS NOT NULL
  AND t.role IN ('bot', 'agent') AND t.is_message AND regexp_matches(t.text, $ask_any_re);
