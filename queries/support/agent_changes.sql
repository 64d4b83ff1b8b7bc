-- name: agent_changes
-- description: The agent messages another agent wrote than the agent message before them (no bot message between): their participant ids differ, or, in a log without participant ids, the message opens with a greeting or an introduction ("Hello, Sam from billing here"), as a new person's first message does. is_new_agent: the agent had not written before. Read by misroute and ping_pong.
-- params: agent_introduction_re
WITH speakers AS (
    SELECT conversation_id, seq, message_id, role, participant_id, text,
           lag(role) OVER (PARTITION BY conversation_id ORDER BY seq) AS prev_role,
           lag(participant_id) OVER (PARTITION BY conversation_id ORDER BY seq) AS prev_participant
    FROM turns
    WHERE is_message AND role IN ('bot', 'agent')
),
first_messages AS (
    -- where each agent with an id first wrote
    SELECT conversation_id, participant_id, min(seq) AS first_seq
    FROM turns
    WHERE is_message AND role = 'agent' AND participant_id IS NOT NULL
    GROUP BY conversation_id, participant_id
)
SELECT s.conversation_id, s.seq, s.message_id, s.participant_id,
       -- the agent writes here for the first time (two agents writing by turns take over
       -- from each other only once each); unknown without participant ids
       s.participant_id IS NULL OR s.seq = f.first_seq AS is_new_agent
FROM speakers s
LEFT JOIN first_messages f
  ON f.conversation_id = s.conversation_id AND f.participant_id = s.participant_id
WHERE s.role = 'agent' AND s.prev_role = 'agent'
  AND ((s.participant_id IS NOT NULL AND s.prev_participant IS NOT NULL
        AND s.participant_id <> s.prev_participant)
       OR (s.participant_id IS NULL AND s.prev_participant IS NULL
           AND regexp_matches(s.text, $agent_introduction_re)));
