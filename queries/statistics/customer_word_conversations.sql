-- name: customer_word_conversations
-- description: In how many conversations each word of customers' messages occurs: a corpus statistic kept up to date by every load from the conversations it touches (see docs/incremental.md).
-- params: customer_word_re
-- keys: word
SELECT word, count(*) AS conversations
FROM (
    -- each conversation's distinct words: its customer messages joined by a space and cut into
    -- words once (a word never spans a space), cheaper than a DISTINCT over every message's words
    SELECT conversation_id,
           unnest(list_distinct(regexp_extract_all(lower(string_agg(text, ' ')), $customer_word_re)))
               AS word
    FROM turns
    WHERE role = 'customer' AND is_message
    GROUP BY conversation_id
)
GROUP BY word;
