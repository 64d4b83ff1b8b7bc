-- name: agent_reasked
-- description: An agent asked for a kind of information (order number, e-mail, phone, account, postcode, name, ...) that the customer had already given before the handoff, either named ("order 12345") or in answer to a bot message asking for it. Asking for something new, or quoting the value back to confirm it, is not a re-ask.
-- params: ask_any_re, info_request_re, reference_words
WITH handed AS (
    SELECT conversation_id, handoff_seq, first_agent_seq
    FROM conversation_outcomes
    WHERE first_agent_seq IS NOT NULL AND handoff_seq IS NOT NULL
),
asking AS (
    SELECT t.conversation_id, t.seq, t.message_id, t.text
    FROM turns t
    JOIN handed h ON h.conversation_id = t.conversation_id AND t.seq >= h.first_agent_seq
    WHERE t.role = 'agent' AND t.is_message AND regexp_matches(t.text, $info_request_re)
      AND regexp_matches(t.text, $ask_any_re)
),
before_handoff AS (
    SELECT t.conversation_id, t.seq, t.message_id, t.role, t.text,
           lag(t.role) OVER (PARTITION BY t.conversation_id ORDER BY t.seq) AS prev_role,
           lag(t.seq) OVER (PARTITION BY t.conversation_id ORDER BY t.seq) AS prev_seq
    FROM turns t
    JOIN handed h ON h.conversation_id = t.conversation_id
    WHERE t.is_message AND t.seq < h.handoff_seq AND t.role IN ('customer', 'bot')
      AND t.conversation_id IN (SELECT conversation_id FROM asking)
),
named AS (
    -- values the customer gave, with the kind their own words name (queries/support/, one
    -- constant regex per configured kind)
    SELECT v.conversation_id, v.seq, v.text, v.kind, v.raw_value
    FROM identifier_values v
    WHERE v.conversation_id IN (SELECT conversation_id FROM asking)
),
answered AS (
    -- a value given right after the bot asked for a kind takes the kind asked for
    SELECT DISTINCT n.conversation_id, n.seq, n.text, a.kind, n.raw_value
    FROM named n
    JOIN before_handoff b ON b.conversation_id = n.conversation_id AND b.seq = n.seq
    JOIN kind_asks a ON a.conversation_id = b.conversation_id AND a.seq = b.prev_seq
    WHERE b.prev_role = 'bot'
),
keyed AS (
    SELECT *,
           CASE WHEN length(regexp_replace(raw_value, '[^0-9]+', '', 'g')) >= 4
                THEN right(regexp_replace(raw_value, '[^0-9]+', '', 'g'), 9)
                ELSE regexp_replace(lower(raw_value), '[^\p{L}\p{N}@]+', '', 'g') END AS value
    FROM (SELECT conversation_id, seq, text, kind, raw_value FROM named
          UNION ALL
          SELECT conversation_id, seq, text, kind, raw_value FROM answered)
),
bare AS (
    -- a number that names no kind (and is no part of a named value) may answer any kind in
    -- reference_words
    SELECT r.conversation_id, r.seq, r.value
    FROM keyed r
    WHERE r.kind = 'reference'
      AND NOT EXISTS (
          SELECT 1 FROM keyed k
          WHERE k.conversation_id = r.conversation_id AND k.kind <> 'reference'
            AND (k.value = r.value OR (k.seq = r.seq AND strpos(k.raw_value, r.raw_value) > 0))
      )
),
given AS (
    SELECT conversation_id, kind, arg_min(raw_value, seq) AS raw_value, arg_min(text, seq) AS text,
           arg_min(value, seq) AS value
    FROM (SELECT conversation_id, seq, text, kind, raw_value, value FROM keyed
          WHERE kind <> 'reference'
          UNION ALL
          SELECT k.conversation_id, k.seq, k.text, r.kind, k.raw_value, k.value
          FROM keyed k
          JOIN bare b
            ON b.conversation_id = k.conversation_id AND b.seq = k.seq AND b.value = k.value
          CROSS JOIN (SELECT unnest($reference_words) AS kind) r
          WHERE k.kind = 'reference')
    GROUP BY conversation_id, kind
),
questions AS (
    SELECT q.conversation_id, q.seq, q.message_id, q.text, a.kind
    FROM asking q
    JOIN kind_asks a ON a.conversation_id = q.conversation_id AND a.seq = q.seq
),
reasks AS (
    SELECT q.conversation_id, q.seq, q.message_id, q.kind,
           'agent asked for the ' || q.kind || ': "' || left(q.text, 100)
               || '" - the customer had already given ' || g.raw_value || ': "'
               || left(g.text, 100) || '"' AS detail,
           row_number() OVER (PARTITION BY q.conversation_id ORDER BY q.seq, q.kind) AS rn
    FROM questions q
    JOIN given g ON g.conversation_id = q.conversation_id AND g.kind = q.kind
    WHERE strpos(regexp_replace(lower(q.text), '[^\p{L}\p{N}@]+', '', 'g'), g.value) = 0
)
SELECT conversation_id, 'agent_reasked' AS flag, message_id, detail, CAST(NULL AS DOUBLE) AS score
FROM reasks
WHERE rn = 1
ORDER BY conversation_id;
