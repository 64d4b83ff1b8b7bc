-- name: word_rarity
-- description: How many conversations each word of customers' messages occurs in, beside the number of conversations with a customer message: the user's own data says which words are ordinary (a product name every customer mentions) and which are rare (a model, a lender, a reference). Read from the corpus statistics, which cover every conversation even when a load refreshes only some.
-- params:
SELECT w.word, w.conversations, coalesce(c.conversations, 0) AS corpus
FROM customer_word_conversations w
LEFT JOIN conversations_by_role c ON c.role = 'customer';
