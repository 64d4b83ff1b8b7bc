-- name: customer_repeated
-- description: After the first agent message, the customer restated something they had already told the bot: informative words (a number or code, or words rare in the customers' own messages) told the bot again (queries/support/restatements.sql), so a one-word answer counts when it is that information; or an identifier they had given before the handoff; or a pre-handoff message of at least repeat_min_words words said again whole; or a message whose content words substantially overlap one of their pre-handoff messages (overlap coefficient >= repeat_overlap and at least repeat_min_shared_words shared words). Greetings, thanks, yes/no and the words of the agent message just before never count.
-- params: identifier_any_re, stop_words, min_word_length, repeat_overlap, repeat_min_shared_words, repeat_min_words
WITH said AS MATERIALIZED (
    -- customer messages told to the bot (before the handoff) or to an agent (after one wrote)
    -- its words cut once: they give the normalised text (single spaces) and the content words
    SELECT conversation_id, seq, message_id, text, after_agent,
           ' ' || array_to_string(all_words, ' ') || ' ' AS norm,
           list_filter(all_words, lambda w: length(w) >= $min_word_length) AS content_words
    FROM (
        SELECT t.conversation_id, t.seq, t.message_id, t.text,
               t.seq > h.first_agent_seq AS after_agent,
               regexp_extract_all(lower(t.text), '[\p{L}\p{N}]+') AS all_words
        FROM turns t
        JOIN answered_handoffs h ON h.conversation_id = t.conversation_id
        WHERE t.role = 'customer' AND t.is_message AND NOT t.is_acknowledgement
          AND (t.seq < h.handoff_seq OR t.seq > h.first_agent_seq)
    )
),
hits AS (
    -- identifiers (as configured in [identifiers]) found by one constant regex
    SELECT s.conversation_id, s.seq, s.message_id, s.text, s.after_agent,
           unnest(regexp_extract_all(s.text, $identifier_any_re)) AS hit
    FROM said s
    WHERE regexp_matches(s.text, $identifier_any_re)
),
ids AS (
    -- the value of a hit: an e-mail address, else its last nine digits, else its letters
    SELECT DISTINCT conversation_id, seq, message_id, text, after_agent,
           trim(hit, ' :#-') AS raw_value,
           CASE WHEN strpos(hit, '@') > 0
                THEN lower(regexp_extract(hit, '[^\s:]+@[^\s]+[\p{L}\p{N}]'))
                WHEN length(regexp_replace(hit, '[^0-9]+', '', 'g')) >= 4
                THEN right(regexp_replace(hit, '[^0-9]+', '', 'g'), 9)
                ELSE regexp_replace(lower(hit), '[^\p{L}\p{N}]+', '', 'g') END AS value
    FROM hits
),
id_repeats AS (
    SELECT b.conversation_id, b.message_id, 1.0 AS score,
           'repeated ' || b.raw_value || ' to the agent: "' || left(b.text, 100)
               || '" - already told the bot: "' || left(a.text, 100) || '"' AS detail,
           b.seq
    FROM ids a
    JOIN ids b
      ON a.conversation_id = b.conversation_id AND a.value = b.value
     AND NOT a.after_agent AND b.after_agent
    WHERE length(b.value) >= 4
),
words AS (
    -- content words: at least min_word_length letters or digits, not a stop word
    SELECT conversation_id, seq, unnest(content_words) AS word
    FROM said
),
stop AS (
    SELECT unnest($stop_words) AS word
),
bags AS (
    -- stop words by a join: a list lookup per word costs ten times more
    SELECT w.conversation_id, w.seq, array_distinct(array_agg(w.word)) AS bag
    FROM words w
    LEFT JOIN stop s ON s.word = w.word
    WHERE s.word IS NULL
    GROUP BY w.conversation_id, w.seq
),
bagged AS MATERIALIZED (
    SELECT s.conversation_id, s.seq, s.message_id, s.text, s.after_agent, s.norm,
           coalesce(b.bag, CAST([] AS VARCHAR[])) AS bag,
           coalesce(array_length(b.bag), 0) AS n,
           -- norm's words are single-space separated between a leading and a trailing space
           length(s.norm) - length(replace(s.norm, ' ', '')) - 1 AS words
    FROM said s
    LEFT JOIN bags b ON b.conversation_id = s.conversation_id AND b.seq = s.seq
),
pairs AS (
    SELECT a.conversation_id, b.message_id, b.seq, a.text AS before_text, b.text AS after_text,
           a.bag AS before_bag, b.bag AS after_bag,
           -- a pair with fewer content words than repeat_min_shared_words on a side never
           -- shares enough, so its bags are not intersected; the words of a in b are counted by
           -- a scan of b (bags are distinct), far cheaper than array_intersect on short bags
           CASE WHEN least(a.n, b.n) < $repeat_min_shared_words THEN 0
                WHEN a.n * b.n <= 4096
                THEN array_length(list_filter(a.bag, lambda w: array_contains(b.bag, w)))
                ELSE array_length(array_intersect(a.bag, b.bag)) END AS shared,
           least(a.n, b.n) AS smaller,
           a.words >= $repeat_min_words AND a.n >= 1 AND strpos(b.norm, a.norm) > 0 AS said_again
    FROM bagged a
    JOIN bagged b
      ON a.conversation_id = b.conversation_id AND NOT a.after_agent AND b.after_agent
),
overlapping AS (
    -- the pairs that can be a restatement once the echoed words are out: leaving words out never
    -- raises the shared count, so a pair needs enough shared words already (the ratio may rise)
    SELECT *
    FROM pairs
    WHERE said_again OR shared >= $repeat_min_shared_words
),
echoes AS (
    -- the words of the agent message just before each overlapping message: words the agent
    -- just used never count (an answer to "the Sennheiser for the 22nd?" that says them again
    -- confirms, it restates nothing). Looked up only for the messages that overlap.
    SELECT e.conversation_id, e.seq, regexp_extract_all(lower(t.text), '[\p{L}\p{N}]+') AS words
    FROM (
        SELECT o.conversation_id, o.seq, max(t.seq) AS agent_seq
        FROM (SELECT DISTINCT conversation_id, seq FROM overlapping) o
        JOIN turns t
          ON t.conversation_id = o.conversation_id AND t.seq < o.seq
         AND t.role = 'agent' AND t.is_message
        GROUP BY o.conversation_id, o.seq
    ) e
    JOIN turns t ON t.conversation_id = e.conversation_id AND t.seq = e.agent_seq
),
unechoed AS (
    SELECT o.conversation_id, o.message_id, o.seq, o.before_text, o.after_text, o.said_again,
           o.before_bag,
           list_filter(o.after_bag,
                       lambda w: NOT list_contains(coalesce(e.words, CAST([] AS VARCHAR[])), w))
               AS after_bag
    FROM overlapping o
    LEFT JOIN echoes e ON e.conversation_id = o.conversation_id AND e.seq = o.seq
),
rescored AS (
    SELECT conversation_id, message_id, seq, before_text, after_text, said_again,
           array_length(list_filter(before_bag, lambda w: list_contains(after_bag, w))) AS shared,
           least(array_length(before_bag), array_length(after_bag)) AS smaller
    FROM unechoed
),
text_repeats AS (
    SELECT conversation_id, message_id,
           CASE WHEN said_again THEN 1.0 ELSE CAST(shared AS DOUBLE) / nullif(smaller, 0) END AS score,
           'restated to the agent: "' || left(after_text, 100) || '" - already told the bot: "'
               || left(before_text, 100) || '" ('
               || CASE WHEN said_again THEN 'said again'
                       ELSE 'overlap ' || CAST(round(CAST(shared AS DOUBLE) / nullif(smaller, 0), 2) AS VARCHAR)
                  END || ')' AS detail,
           seq
    FROM rescored
    WHERE said_again
       OR (shared >= $repeat_min_shared_words
           AND CAST(shared AS DOUBLE) / nullif(smaller, 0) >= $repeat_overlap)
),
info_repeats AS (
    -- informative words told the bot, said again (queries/support/restatements.sql)
    SELECT conversation_id, message_id,
           CAST(n_told AS DOUBLE) / n_words AS score,
           'told the agent "' || left(text, 100) || '" - ' || example
               || CASE WHEN n_told > 1
                       THEN ' and ' || CAST(n_told - 1 AS VARCHAR) || ' more informative word'
                            || CASE WHEN n_told > 2 THEN 's' ELSE '' END
                       ELSE '' END
               || ' already told the bot' AS detail,
           seq
    FROM restatements
    WHERE restates
),
ranked AS (
    -- detail breaks ties, so the same data always gives the same flag
    SELECT *, row_number() OVER (PARTITION BY conversation_id ORDER BY score DESC, seq, detail) AS rn
    FROM (SELECT * FROM id_repeats UNION ALL SELECT * FROM text_repeats
          UNION ALL SELECT * FROM info_repeats)
)
SELECT conversation_id, 'customer_repeated' AS flag, message_id, detail, score
FROM ranked
WHERE rn = 1
ORDER BY conversation_id;
