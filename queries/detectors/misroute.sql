-- name: misroute
-- description: After an agent joined, the conversation was moved to another queue or team: a transfer event, a queue change, or an agent saying it is the wrong team followed by another agent (another participant id, or in a log without ids an agent who takes over as a new person does: support/agent_changes.sql); and, when the [routing] map is set, a first queue that differs from the one expected for the intent.
-- params: wrong_team_re, routing_intents, routing_queues
WITH joined AS (
    SELECT
        t.conversation_id,
        min(t.seq) FILTER (WHERE t.role = 'agent' AND (t.is_message OR t.event = 'agent_joined'))
            AS joined_seq
    FROM turns t
    GROUP BY t.conversation_id
),
at_join AS (
    SELECT
        j.conversation_id,
        j.joined_seq,
        arg_max(t.queue, t.seq) FILTER (WHERE t.queue IS NOT NULL AND t.seq <= j.joined_seq)
            AS join_queue
    FROM joined j
    JOIN turns t ON t.conversation_id = j.conversation_id
    WHERE j.joined_seq IS NOT NULL
    GROUP BY j.conversation_id, j.joined_seq
),
after_join AS (
    SELECT t.*, a.join_queue, a.joined_seq
    FROM turns t
    JOIN at_join a ON a.conversation_id = t.conversation_id AND t.seq >= a.joined_seq
),
wrong_team AS (
    SELECT w.conversation_id, w.seq, w.message_id, w.text, w.participant_id
    FROM after_join w
    WHERE w.role = 'agent' AND w.is_message AND regexp_matches(w.text, $wrong_team_re)
),
evidence AS (
    -- next_seq: the agent who took over, for an agent passing the customer on (the first one)
    SELECT a.conversation_id, 1 AS priority, a.seq, CAST(NULL AS BIGINT) AS next_seq, a.message_id,
           'transferred after an agent joined'
               || CASE WHEN a.queue IS NOT NULL THEN ' to ' || a.queue ELSE '' END
               || CASE WHEN a.join_queue IS NOT NULL THEN ' (from ' || a.join_queue || ')' ELSE '' END
               || CASE WHEN a.text IS NOT NULL AND trim(a.text) <> ''
                       THEN ': "' || left(a.text, 120) || '"' ELSE '' END AS detail
    FROM after_join a
    -- a transfer that moved the customer (support/transfers.sql: a failed one moved nobody)
    JOIN transfers x ON x.conversation_id = a.conversation_id AND x.seq = a.seq
    WHERE a.seq > a.joined_seq
    UNION ALL
    SELECT a.conversation_id, 2, a.seq, NULL, a.message_id,
           'queue changed from ' || a.join_queue || ' to ' || a.queue || ' after an agent joined'
    FROM after_join a
    LEFT JOIN transfers x ON x.conversation_id = a.conversation_id AND x.seq = a.seq
    -- a transfer that failed moved nobody: neither its failure event nor the transfer itself
    WHERE a.queue IS NOT NULL AND a.join_queue IS NOT NULL AND a.queue <> a.join_queue
      AND a.seq > a.joined_seq AND a.event NOT IN ('transfer_failed', 'handoff_failed')
      AND (a.event <> 'transfer' OR x.seq IS NOT NULL)
    UNION ALL
    SELECT w.conversation_id, 3, w.seq, n.seq, w.message_id,
           'agent ' || coalesce(w.participant_id || ' ', '') || 'said "' || left(w.text, 120)
               || '" and ' || coalesce('agent ' || n.participant_id, 'another agent') || ' took over'
    FROM wrong_team w
    JOIN turns n
      ON n.conversation_id = w.conversation_id AND n.seq > w.seq AND n.role = 'agent'
     AND n.is_message
    -- in a log without participant ids, another agent is one who took over as a new person
    -- does (support/agent_changes.sql)
    LEFT JOIN agent_changes a ON a.conversation_id = n.conversation_id AND a.seq = n.seq
    WHERE ((n.participant_id IS NOT NULL AND n.participant_id IS DISTINCT FROM w.participant_id)
           OR (w.participant_id IS NULL AND n.participant_id IS NULL AND a.seq IS NOT NULL))
      AND NOT EXISTS (  -- handed back to the bot in between: that is ping_pong, not a misroute
        SELECT 1 FROM turns m
        WHERE m.conversation_id = w.conversation_id AND m.seq > w.seq AND m.seq < n.seq
          AND m.role = 'bot' AND m.is_message
    )
    UNION ALL
    SELECT c.conversation_id, 4, c.handoff_seq, NULL, NULL,
           'first routed to ' || c.queue || ' but intent ' || c.intent || ' belongs in ' || r.queue
    FROM conversation_outcomes c
    JOIN (SELECT unnest($routing_intents) AS intent, unnest($routing_queues) AS queue) r
      ON lower(c.intent) = r.intent
    WHERE c.queue IS NOT NULL AND c.queue <> r.queue
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY conversation_id ORDER BY priority, seq, next_seq, detail) AS rn
    FROM evidence
)
SELECT
    r.conversation_id,
    'misroute' AS flag,
    coalesce(r.message_id, h.message_id) AS message_id,
    left(r.detail, 300) AS detail,
    CAST(NULL AS DOUBLE) AS score
FROM ranked r
LEFT JOIN conversation_outcomes c ON c.conversation_id = r.conversation_id
LEFT JOIN turns h ON h.conversation_id = c.conversation_id AND h.seq = c.handoff_seq
WHERE r.rn = 1
ORDER BY r.conversation_id;
