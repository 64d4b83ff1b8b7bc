-- name: rarity_reads
-- description: Each conversation and the words whose class in word_rarity (rare, scarce) its flags were judged by: the candidate words without a digit of its customers' messages (support/customer_words.sql; a word with a digit is informative whatever its class) and the topic words of its bot and agent questions (support/question_topics.sql: agent_reasked matches an agent's rare topic words and counts a bot question's). Neither depends on the corpus statistics, so when a load changes a word's class, the stored conversations listing that word are the ones whose flags a full rebuild could change, and the load derives them again (docs/incremental.md).
-- params:
SELECT DISTINCT conversation_id, word
FROM (
    SELECT conversation_id, word FROM customer_words WHERE NOT regexp_matches(word, '[0-9]')
    UNION ALL
    SELECT conversation_id, word FROM question_topics
);
