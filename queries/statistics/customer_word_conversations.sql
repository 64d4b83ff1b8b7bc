-- name: customer_word_conversations
-- description: In how many conversations each word of customers' messages occurs: a corpus statistic kept up to date by every load from the conversations it touches (see docs/incremental.md).
-- params:
-- keys: word
SELECT word, count(*) AS conversations
FROM (
    SELECT DISTINCT conversation_id, unnest(regexp_extract_all(lower(text), '[0-9]{1,3}(?:,[0-9]{3})+\b|[\p{L}\p{N}]+(?:[-/.][\p{L}\p{N}]+)*')) AS word
    FROM turns
    WHERE role = 'customer' AND is_message
)
GROUP BY word;
