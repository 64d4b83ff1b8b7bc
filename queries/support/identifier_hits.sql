-- name: identifier_hits
-- description: Candidate identifiers (anything any identifier pattern matches) in customer messages before the handoff of conversations an agent answered; the per-kind patterns then run only on these.
-- params: identifier_any_re
SELECT t.conversation_id, t.seq, t.text, unnest(regexp_extract_all(t.text, $identifier_any_re)) AS hit
FROM turns t
JOIN conversation_outcomes c USING (conversation_id)
WHERE c.first_agent_seq IS NOT NULL AND t.seq < c.handoff_seq
  AND t.role = 'customer' AND t.is_message AND regexp_matches(t.text, $identifier_any_re);
