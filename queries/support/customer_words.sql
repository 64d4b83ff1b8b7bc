-- name: customer_words
-- description: The distinct candidate words (numbers and codes, and long enough words that are no stop words) of each customer message told to the bot (phase 'bot', before the handoff) or to an agent (phase 'agent', after the first agent message) in conversations an agent answered, with whether the word is informative: it holds a digit (a code such as PP-7781-3350 is one word), or it is no stop word and rare in the customers' messages of the whole corpus (word_rarity's class). A word the agent used in the message just before is an echo of the agent, not something the customer restates.
-- params: stop_words, min_word_length, customer_word_re
WITH messages AS (
    SELECT t.conversation_id, t.seq, t.role, t.text, t.is_acknowledgement,
           CASE WHEN t.seq < h.handoff_seq THEN 'bot' ELSE 'agent' END AS phase,
           max(CASE WHEN t.role = 'agent' AND t.is_message THEN t.seq END) OVER (
               PARTITION BY t.conversation_id ORDER BY t.seq
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS agent_seq
    FROM turns t
    JOIN answered_handoffs h ON h.conversation_id = t.conversation_id
    WHERE t.is_message AND (t.seq < h.handoff_seq OR t.seq >= h.first_agent_seq)
),
stop AS (
    SELECT word, regexp_matches(word, '[0-9]') AS has_digit
    FROM (SELECT unnest($stop_words) AS word)
),
tokens AS (
    -- every word of the customer messages, and of the agent messages a customer message answers
    SELECT conversation_id, seq, phase, agent_seq, false AS agent,
           unnest(regexp_extract_all(lower(text), $customer_word_re)) AS word
    FROM messages
    WHERE role = 'customer' AND NOT is_acknowledgement
      AND (phase = 'bot' OR agent_seq IS NOT NULL)
    UNION ALL
    SELECT m.conversation_id, m.seq, m.phase, m.agent_seq, true,
           unnest(regexp_extract_all(lower(m.text), $customer_word_re))
    FROM messages m
    JOIN (SELECT DISTINCT conversation_id, agent_seq FROM messages
          WHERE role = 'customer' AND phase = 'agent') a
      ON a.conversation_id = m.conversation_id AND a.agent_seq = m.seq
),
candidate_tokens AS (
    -- words that can be informative at all: a number or code, or a long enough non-stop word
    -- (stop words by a join: a list lookup per word costs ten times more). An agent's word
    -- matters only when it is a candidate too, so both are filtered before they are made
    -- distinct (stop words are most of the words).
    -- a number or code is its letters and digits, however punctuated ("4417-XX-0093" =
    -- "4417xx0093")
    -- (the digit test runs once per candidate: a stop word's is looked up, and a long enough
    -- word that is no stop word is a candidate without it)
    SELECT conversation_id, seq, phase, agent_seq, agent,
           CASE WHEN has_digit THEN regexp_replace(word, '[-/.,]', '', 'g') ELSE word END AS word,
           has_digit
    FROM (
        SELECT t.conversation_id, t.seq, t.phase, t.agent_seq, t.agent, t.word,
               coalesce(s.has_digit, regexp_matches(t.word, '[0-9]')) AS has_digit
        FROM tokens t
        LEFT JOIN stop s ON s.word = t.word
        WHERE CASE WHEN s.word IS NOT NULL THEN s.has_digit AND length(t.word) >= 2
                   WHEN length(t.word) >= $min_word_length THEN true
                   ELSE length(t.word) >= 2 AND regexp_matches(t.word, '[0-9]') END
    )
),
candidates AS (
    SELECT DISTINCT conversation_id, seq, phase, agent_seq, word, has_digit
    FROM candidate_tokens
    WHERE NOT agent
),
agent_words AS (
    SELECT DISTINCT conversation_id, seq, word FROM candidate_tokens WHERE agent
)
SELECT
    w.conversation_id,
    w.seq,
    w.phase,
    w.word,
    coalesce(r.scarce, true) AS scarce,
    a.word IS NULL AND (w.has_digit OR coalesce(r.rare, true)) AS informative
FROM candidates w
LEFT JOIN word_rarity r ON r.word = w.word
LEFT JOIN agent_words a
  ON w.phase = 'agent' AND a.conversation_id = w.conversation_id AND a.seq = w.agent_seq
 AND a.word = w.word;
