-- name: agent_changes
-- description: The agent messages another agent wrote than the agent message before them (no bot message between): their participant ids differ, or, in a log without participant ids, the message opens with a greeting or an introduction ("Hello, Sam from billing here"), as a new person's first message does. is_new_agent: the agent had not written before. Read by misroute and ping_pong.
-- params: agent_introduction_re
WITH speakers AS (
    SELECT conversation_id, seq, message_id, role, participant_id, text,
           lag(role) OVER (PARTITION BY conversation_id ORDER BY seq) AS prev_role,
           lag(participant_id) OVER (PARTITION BY conversation_id ORDER BY seq) AS prev_participant,
           min(seq) OVER (PARTITION BY conversation_id, role, participant_id) AS participant_first_seq
    FROM turns
    WHERE is_message AND role IN ('bot', 'agent')
)
SELECT conversation_id, seq, message_id, participant_id,
       -- the agent writes here for the first time (two agents writing by turns take over
       -- from each other only once each); unknown without participant ids
       participant_id IS NULL OR seq = participant_first_seq AS is_new_agent
FROM speakers
WHERE role = 'agent' AND prev_role = 'agent'
  AND ((participant_id IS NOT NULL AND prev_participant IS NOT NULL
        AND participant_id <> prev_participant)
       OR (participant_id IS NULL AND prev_participant IS NULL
           AND regexp_matches(text, $agent_introduction_re)));
