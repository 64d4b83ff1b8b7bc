-- name: customer_repeated
-- description: After the first agent message, the customer restated something they had already told the bot: an identifier they had given before the handoff, or a message whose content words substantially overlap one of their pre-handoff messages (overlap coefficient >= repeat_overlap and at least repeat_min_shared_words shared words). Greetings, thanks and yes/no never count.
-- params: identifier_kinds, identifier_patterns, stop_words, min_word_length, repeat_overlap, repeat_min_shared_words
WITH handed AS (
    SELECT conversation_id, handoff_seq, first_agent_seq
    FROM conversations
    WHERE first_agent_seq IS NOT NULL AND handoff_seq IS NOT NULL
),
said AS (
    -- customer messages told to the bot (before the handoff) or to an agent (after one wrote)
    SELECT t.conversation_id, t.seq, t.message_id, t.text,
           t.seq > h.first_agent_seq AS after_agent
    FROM turns t
    JOIN handed h ON h.conversation_id = t.conversation_id
    WHERE t.role = 'customer' AND t.is_message AND NOT t.is_acknowledgement
      AND (t.seq < h.handoff_seq OR t.seq > h.first_agent_seq)
),
kinds AS (
    SELECT unnest($identifier_kinds) AS kind, unnest($identifier_patterns) AS pattern
),
found AS (
    SELECT s.conversation_id, s.seq, s.message_id, s.text, s.after_agent, k.kind,
           unnest(regexp_extract_all(s.text, k.pattern, 1)) AS raw_value
    FROM said s
    CROSS JOIN kinds k
),
ids AS (
    SELECT DISTINCT conversation_id, seq, message_id, text, after_agent, raw_value,
           regexp_replace(lower(raw_value), '[^\p{L}\p{N}@]+', '', 'g') AS value
    FROM found
),
id_repeats AS (
    SELECT b.conversation_id, b.message_id, 1.0 AS score,
           'repeated ' || b.raw_value || ' to the agent: "' || left(b.text, 100)
               || '" - already told the bot: "' || left(a.text, 100) || '"' AS detail,
           b.seq
    FROM ids a
    JOIN ids b
      ON a.conversation_id = b.conversation_id AND a.value = b.value
     AND NOT a.after_agent AND b.after_agent
    WHERE length(b.value) >= 4
),
words AS (
    SELECT conversation_id, seq,
           unnest(regexp_split_to_array(lower(text), '[^\p{L}\p{N}]+')) AS word
    FROM said
),
bags AS (
    SELECT w.conversation_id, w.seq, array_distinct(array_agg(w.word)) AS bag
    FROM words w
    WHERE length(w.word) >= $min_word_length AND NOT array_contains($stop_words, w.word)
    GROUP BY w.conversation_id, w.seq
),
bagged AS (
    SELECT s.*, b.bag, array_length(b.bag) AS n
    FROM said s
    JOIN bags b ON b.conversation_id = s.conversation_id AND b.seq = s.seq
    WHERE array_length(b.bag) >= $repeat_min_shared_words
),
pairs AS (
    SELECT a.conversation_id, b.message_id, b.seq, a.text AS before_text, b.text AS after_text,
           array_length(array_intersect(a.bag, b.bag)) AS shared,
           least(a.n, b.n) AS smaller
    FROM bagged a
    JOIN bagged b
      ON a.conversation_id = b.conversation_id AND NOT a.after_agent AND b.after_agent
),
text_repeats AS (
    SELECT conversation_id, message_id, CAST(shared AS DOUBLE) / smaller AS score,
           'restated to the agent: "' || left(after_text, 100) || '" - already told the bot: "'
               || left(before_text, 100) || '" (overlap '
               || CAST(round(CAST(shared AS DOUBLE) / smaller, 2) AS VARCHAR) || ')' AS detail,
           seq
    FROM pairs
    WHERE shared >= $repeat_min_shared_words
      AND CAST(shared AS DOUBLE) / smaller >= $repeat_overlap
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY conversation_id ORDER BY score DESC, seq) AS rn
    FROM (SELECT * FROM id_repeats UNION ALL SELECT * FROM text_repeats)
)
SELECT conversation_id, 'customer_repeated' AS flag, message_id, detail, score
FROM ranked
WHERE rn = 1
ORDER BY conversation_id;
