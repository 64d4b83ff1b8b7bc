-- name: question_topics
-- description: What each question is about, in conversations an agent answered after a bot: the question sentences of bot messages before the handoff and of agent messages (offers such as "would you like me to ...?" taken out) that ask for a value, and their words that are no question words (ask_words) and no stop words, plural 's' dropped. agent_reasked compares an agent's question with the bot's; the agent's words are looked up in word_rarity, and the bot's to count how many things it asked about (so views/rarity_reads.sql lists both).
-- params: offer_question_re, offer_question_sentence_re, value_question_re, min_word_length, ask_words, stop_words
WITH question_sentences AS (
    -- the question sentences of bot messages before the handoff and of agent messages, offers
    -- ("would you like me to ...?") taken out, that ask for a value
    SELECT conversation_id, seq, role, sentence
    FROM (
        SELECT conversation_id, seq, role,
               -- questions end in '?', except in voice transcripts, which have no punctuation
               -- (each branch's pattern is a constant, compiled once, not once per row)
               unnest(CASE WHEN has_question THEN regexp_extract_all(text, '[^.!?\n]*[?]')
                           ELSE regexp_extract_all(text, '[^.!?\n]+') END) AS sentence
        FROM (
            SELECT t.conversation_id, t.seq, t.role, strpos(t.text, '?') > 0 AS has_question,
                   -- offer sentences are cut only from a message with an offer in it: the
                   -- sentence pattern is slow to search, the offer alone fast
                   CASE WHEN regexp_matches(t.text, $offer_question_re)
                        THEN regexp_replace(t.text, $offer_question_sentence_re, ' ', 'g')
                        ELSE t.text END AS text
            FROM turns t
            JOIN answered_handoffs h ON h.conversation_id = t.conversation_id
            WHERE t.is_message
              AND ((t.role = 'bot' AND t.seq < h.handoff_seq)
                   OR (t.role = 'agent' AND t.seq >= h.first_agent_seq))
        )
    )
    WHERE regexp_matches(sentence, $value_question_re)
)
-- what a question is about: its words that are no question words and no stop words, plural
-- 's' dropped
SELECT DISTINCT conversation_id, seq, role,
       CASE WHEN length(word) > 3 AND right(word, 1) = 's' AND right(word, 2) <> 'ss'
            THEN left(word, length(word) - 1) ELSE word END AS word
FROM (
    SELECT conversation_id, seq, role,
           unnest(regexp_extract_all(lower(sentence), '[\p{L}\p{N}]+')) AS word
    FROM question_sentences
)
WHERE length(word) >= $min_word_length AND NOT array_contains($ask_words, word)
  AND NOT array_contains($stop_words, word) AND NOT regexp_matches(word, '[0-9]');
