-- name: bot_loop
-- description: Before any agent wrote, the bot gave bot_loop_replies or more fallback replies, or that many near-identical replies (word Jaccard >= bot_loop_similarity).
-- params: bot_loop_replies, bot_loop_similarity, min_word_length
WITH bot_phase AS (
    SELECT t.conversation_id, t.seq, t.message_id, t.text, t.is_fallback
    FROM turns t
    JOIN conversations c ON c.conversation_id = t.conversation_id
    WHERE t.role = 'bot' AND (t.is_message OR t.is_fallback)
      AND NOT t.is_transfer_notice AND NOT t.is_failure_notice
      AND (c.first_agent_seq IS NULL OR t.seq < c.first_agent_seq)
),
fallbacks AS (
    SELECT conversation_id, count(*) AS n, arg_max(message_id, seq) AS message_id,
           arg_max(text, seq) AS text
    FROM bot_phase
    WHERE is_fallback
    GROUP BY conversation_id
),
sentences AS (
    -- each reply's sentences (a verbose reply repeats itself in one of them)
    SELECT conversation_id, seq, unnest(regexp_extract_all(text, '[^.!?\n]+[.!?]*')) AS sentence
    FROM bot_phase
    WHERE text IS NOT NULL
),
bags AS MATERIALIZED (
    -- each sentence's distinct content words (at least min_word_length letters or digits);
    -- sentences of fewer than three such words say too little to be compared
    SELECT conversation_id, seq, bag
    FROM (
        SELECT conversation_id, seq,
               array_distinct(regexp_extract_all(
                   lower(sentence), '[\p{L}\p{N}]{' || CAST($min_word_length AS VARCHAR) || ',}')) AS bag
        FROM sentences
    )
    WHERE array_length(bag) >= 3
      -- only conversations with enough bot replies to make a loop at all
      AND conversation_id IN (
          SELECT conversation_id FROM bot_phase GROUP BY conversation_id
          HAVING count(*) >= $bot_loop_replies)
),
pairs AS (
    -- each pair once; Jaccard >= t needs the smaller bag to hold at least t of the larger, so
    -- pairs of very different sizes are skipped before any intersection is computed
    SELECT conversation_id, seq_a, seq_b
    FROM (
        SELECT a.conversation_id, a.seq AS seq_a, b.seq AS seq_b,
               array_length(a.bag) AS len_a, array_length(b.bag) AS len_b,
               array_length(array_intersect(a.bag, b.bag)) AS shared
        FROM bags a
        JOIN bags b
          ON a.conversation_id = b.conversation_id AND a.seq < b.seq
        WHERE least(array_length(a.bag), array_length(b.bag))
                  >= $bot_loop_similarity * greatest(array_length(a.bag), array_length(b.bag))
    )
    WHERE CAST(shared AS DOUBLE) / (len_a + len_b - shared) >= $bot_loop_similarity
    GROUP BY conversation_id, seq_a, seq_b
),
alike AS (
    SELECT conversation_id, seq, count(*) + 1 AS n
    FROM (SELECT conversation_id, seq_a AS seq FROM pairs
          UNION ALL
          SELECT conversation_id, seq_b AS seq FROM pairs)
    GROUP BY conversation_id, seq
),
repeats AS (
    SELECT s.conversation_id, max(s.n) AS n, arg_max(p.message_id, s.n * 100000 + s.seq) AS message_id,
           arg_max(p.text, s.n * 100000 + s.seq) AS text
    FROM alike s
    JOIN bot_phase p ON p.conversation_id = s.conversation_id AND p.seq = s.seq
    GROUP BY s.conversation_id
),
loops AS (
    SELECT conversation_id, n, message_id, 'fallback' AS kind, text FROM fallbacks
    UNION ALL
    SELECT conversation_id, n, message_id, 'near-identical', text FROM repeats
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY conversation_id ORDER BY n DESC, kind) AS rn
    FROM loops
    WHERE n >= $bot_loop_replies
)
SELECT
    conversation_id,
    'bot_loop' AS flag,
    message_id,
    CAST(n AS VARCHAR) || ' ' || kind || ' bot replies before any agent, e.g. "'
        || left(coalesce(text, '(fallback event)'), 150) || '"' AS detail,
    CAST(n AS DOUBLE) AS score
FROM ranked
WHERE rn = 1
ORDER BY conversation_id;
