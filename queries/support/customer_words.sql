-- name: customer_words
-- description: The distinct words of each customer message told to the bot (phase 'bot', before the handoff) or to an agent (phase 'agent', after the first agent message) in conversations an agent answered, with whether the word is informative: it holds a digit, or it is no stop word and rare in the customers' messages of the whole corpus (in at most rare_word_share of the conversations, or rare_word_conversations, whichever is more).
-- params: stop_words, min_word_length, rare_word_share, rare_word_conversations
WITH handed AS (
    SELECT conversation_id, handoff_seq, first_agent_seq
    FROM conversations
    WHERE first_agent_seq IS NOT NULL AND handoff_seq IS NOT NULL
),
words AS (
    SELECT DISTINCT t.conversation_id, t.seq,
           CASE WHEN t.seq < h.handoff_seq THEN 'bot' ELSE 'agent' END AS phase,
           unnest(regexp_extract_all(lower(t.text), '[\p{L}\p{N}]+')) AS word
    FROM turns t
    JOIN handed h ON h.conversation_id = t.conversation_id
    WHERE t.role = 'customer' AND t.is_message AND NOT t.is_acknowledgement
      AND (t.seq < h.handoff_seq OR t.seq > h.first_agent_seq)
)
SELECT
    w.conversation_id,
    w.seq,
    w.phase,
    w.word,
    (regexp_matches(w.word, '[0-9]') AND length(w.word) >= 2)
        OR (length(w.word) >= $min_word_length AND NOT array_contains($stop_words, w.word)
            AND coalesce(r.conversations, 0)
                <= greatest($rare_word_conversations, $rare_word_share * coalesce(r.corpus, 0)))
        AS informative
FROM words w
LEFT JOIN word_rarity r ON r.word = w.word
ORDER BY w.conversation_id, w.seq, w.word;
