-- name: word_rarity
-- description: How many conversations each word of customers' messages occurs in, beside the number of conversations with a customer message: the user's own data says which words are ordinary (a product name every customer mentions) and which are rare (a model, a lender, a reference).
-- params:
WITH words AS (
    SELECT DISTINCT conversation_id,
           unnest(regexp_extract_all(lower(text), '[\p{L}\p{N}]+(?:[-/.][\p{L}\p{N}]+)*')) AS word
    FROM turns
    WHERE role = 'customer' AND is_message
),
corpus AS (
    SELECT count(DISTINCT conversation_id) AS conversations
    FROM turns
    WHERE role = 'customer' AND is_message
)
SELECT w.word, count(*) AS conversations, c.conversations AS corpus
FROM words w
CROSS JOIN corpus c
GROUP BY w.word, c.conversations
ORDER BY w.word;
