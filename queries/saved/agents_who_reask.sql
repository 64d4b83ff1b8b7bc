-- name: agents_who_reask
-- description: Agents whose first questions ask for what the customer already told the bot (agent_reasked), most first.
-- params:
SELECT
    coalesce(t.participant_id, '(unknown agent)') AS agent,
    count(DISTINCT f.conversation_id) AS conversations_with_reask
FROM friction_flags f
JOIN turns t ON t.conversation_id = f.conversation_id AND t.message_id = f.message_id
WHERE f.flag = 'agent_reasked'
GROUP BY ALL
ORDER BY conversations_with_reask DESC, agent;
