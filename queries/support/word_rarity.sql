-- name: word_rarity
-- description: How many conversations each word of customers' messages occurs in, beside the number of conversations with a customer message, and the word's class: rare (in at most rare_word_share of the conversations, or rare_word_conversations, whichever is more) and scarce (in at most rare_word_conversations, and in at most rare_word_share of them: in a small corpus a word in three conversations of forty is no rarity). The user's own data says which words are ordinary (a product name every customer mentions) and which are rare (a model, a lender, a reference). Read from the corpus statistics, which cover every conversation even when a load refreshes only some. A word missing here is in no customer's message: rare and scarce. The detectors read a word's class, never its count, so a load judges again only the conversations that read a word whose class it changed (views/rarity_reads.sql, docs/incremental.md).
-- params: rare_word_share, rare_word_conversations
SELECT w.word, w.conversations, coalesce(c.conversations, 0) AS corpus,
       w.conversations <= greatest($rare_word_conversations,
                                   $rare_word_share * coalesce(c.conversations, 0)) AS rare,
       w.conversations <= least($rare_word_conversations,
                                greatest(1, $rare_word_share * coalesce(c.conversations, 0))) AS scarce
FROM customer_word_conversations w
LEFT JOIN conversations_by_role c ON c.role = 'customer';
