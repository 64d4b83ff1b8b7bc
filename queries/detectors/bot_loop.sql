-- name: bot_loop
-- description: Before any agent wrote, the bot gave (in the replies the customer saw: support/bot_replies.sql) bot_loop_replies or more fallback replies, or that many near-identical replies (word Jaccard >= bot_loop_similarity, or openings (every sentence but the last, or the only one) whose shorter one has that share of its words in the other, or whole replies of eight content words or more whose shorter one has that share of its words in the other; replies with different numbers or codes tell something new).
-- params: bot_loop_replies, bot_loop_similarity, min_word_length
WITH bot_phase AS (
    -- the bot's replies the customer saw before any agent wrote (support/bot_replies.sql), in
    -- conversations with enough of them to make a loop at all
    SELECT b.conversation_id, b.seq, b.message_id, b.text, b.is_fallback
    FROM bot_replies b
    JOIN conversation_outcomes c ON c.conversation_id = b.conversation_id
    WHERE NOT b.is_transfer_notice AND NOT b.is_failure_notice
      AND (c.first_agent_seq IS NULL OR b.seq < c.first_agent_seq)
),
fallbacks AS (
    SELECT conversation_id, count(*) AS n, arg_max(message_id, seq) AS message_id,
           arg_max(text, seq) AS text
    FROM bot_phase
    WHERE is_fallback
    GROUP BY conversation_id
),
looping AS (
    -- the replies of conversations with enough bot replies to make a loop at all
    SELECT conversation_id, seq, text
    FROM bot_phase
    WHERE text IS NOT NULL
      AND conversation_id IN (
          SELECT conversation_id FROM bot_phase WHERE text IS NOT NULL GROUP BY conversation_id
          HAVING count(*) >= $bot_loop_replies)
),
cut AS (
    -- each distinct reply text (a bot says the same things again and again) cut once into its
    -- opening, every sentence but the last (a menu asked again with another question), and
    -- that last sentence. No word spans the cut: the last sentence starts after a sentence end.
    SELECT text, regexp_replace(text, '[^.!?\n]+[.!?]*\s*$', '') AS head,
           regexp_extract(text, '[^.!?\n]+[.!?]*\s*$') AS tail
    FROM (SELECT DISTINCT text FROM looping)
),
cut_words AS (
    -- the words (at least min_word_length letters or digits) of both parts, as hashes
    SELECT text, head,
           list_transform(regexp_extract_all(lower(head),
               '[\p{L}\p{N}]{' || CAST($min_word_length AS VARCHAR) || ',}'),
               lambda w: hash(w)) AS head_words,
           list_transform(regexp_extract_all(lower(tail),
               '[\p{L}\p{N}]{' || CAST($min_word_length AS VARCHAR) || ',}'),
               lambda w: hash(w)) AS tail_words
    FROM cut
),
text_bags AS MATERIALIZED (
    -- each distinct reply text's distinct content words, whole and in its opening (the only
    -- sentence when there is one: then the text is all tail). Words are kept as their hashes:
    -- the lists are only compared, and a list of numbers is a fraction of the memory of a list
    -- of strings, so the self-join below stays in memory under the configured limit (a
    -- collision could at most count one more shared word)
    SELECT text,
           array_distinct(list_concat(head_words, tail_words)) AS bag,
           CASE WHEN head = '' THEN array_distinct(tail_words)
                ELSE array_distinct(head_words) END AS opening,
           -- the numbers and codes in it, without a full stop after them ("or 3."): a reply with
           -- values another lacks tells something new
           -- (the pattern runs only on a text with a digit)
           array_distinct(list_transform(
               CASE WHEN regexp_matches(text, '[0-9]')
                    THEN regexp_extract_all(lower(text), '[\p{L}\p{N}]*[0-9](?:[\p{L}\p{N}:/.-]*[\p{L}\p{N}])?')
                    ELSE CAST([] AS VARCHAR[]) END,
               lambda v: hash(v))) AS reply_values
    FROM cut_words
),
bags AS MATERIALIZED (
    SELECT l.conversation_id, l.seq, b.bag, b.opening, b.reply_values
    FROM looping l
    JOIN text_bags b ON b.text = l.text
),
pairs AS (
    -- each pair of replies once: near-identical when their words overlap (Jaccard), or when
    -- their openings (every sentence but the last; four content words or more) nearly match: the shorter's words
    -- nearly all in the other (overlap coefficient)
    SELECT conversation_id, seq_a, seq_b
    FROM (
        -- the words of a in b, counted by a scan of b (the lists are distinct): far cheaper
        -- than array_intersect on lists of a reply's size; array_intersect for long ones
        SELECT a.conversation_id, a.seq AS seq_a, b.seq AS seq_b,
               array_length(a.bag) AS len_a, array_length(b.bag) AS len_b,
               CASE WHEN array_length(a.bag) * array_length(b.bag) <= 4096
                    THEN array_length(list_filter(a.bag, lambda w: array_contains(b.bag, w)))
                    ELSE array_length(array_intersect(a.bag, b.bag)) END AS shared,
               least(array_length(a.opening), array_length(b.opening)) AS opening_len,
               CASE WHEN array_length(a.opening) * array_length(b.opening) <= 4096
                    THEN array_length(list_filter(a.opening, lambda w: array_contains(b.opening, w)))
                    ELSE array_length(array_intersect(a.opening, b.opening)) END AS opening_shared,
               CASE WHEN array_length(a.reply_values) * array_length(b.reply_values) <= 4096
                    THEN array_length(list_filter(a.reply_values, lambda v: array_contains(b.reply_values, v)))
                    ELSE array_length(array_intersect(a.reply_values, b.reply_values)) END AS values_shared,
               greatest(array_length(a.reply_values), array_length(b.reply_values)) AS values_most
        FROM bags a
        JOIN bags b
          ON a.conversation_id = b.conversation_id AND a.seq < b.seq
    )
    -- three bookings confirmed in the same words are progress, not a loop: the values differ
    WHERE values_shared = values_most
      AND (CAST(shared AS DOUBLE) / nullif(len_a + len_b - shared, 0) >= $bot_loop_similarity
           OR (opening_len >= 4
               AND CAST(opening_shared AS DOUBLE) / opening_len >= $bot_loop_similarity)
           -- or the shorter (eight content words or more) nearly all said again in the other:
           -- the same menu with another greeting or apology around it
           OR (least(len_a, len_b) >= 8
               AND CAST(shared AS DOUBLE) / least(len_a, len_b) >= $bot_loop_similarity))
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
