-- name: customer_word_conversations
-- description: In how many conversations each word of customers' messages occurs: a corpus statistic kept up to date by every load from the conversations it touches (see docs/incremental.md).
-- params: customer_word_re
-- keys: word
SELECT word, count(*) AS conversations
FROM (
    SELECT DISTINCT conversation_id, unnest(regexp_extract_all(lower(text), $customer_word_re)) AS word
    FROM turns
    WHERE role = 'customer' AND is_message
)
GROUP BY word;
