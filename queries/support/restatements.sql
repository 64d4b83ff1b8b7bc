-- name: restatements
-- description: Each customer message to an agent with the informative words in it (customer_words) that the customer had already told the bot, how many numbers or codes in it are new (new_values), and whether the message restates what the bot was told: a number or code told again (or a number that was part of one); or words making up at least repeat_informative_share of the message with no new number or code in it (a single word only when it is scarce, in at most rare_word_conversations conversations: word_rarity); or any of them when the customer says it is a repeat ("like I told the bot"). customer_repeated and agent_reasked both read it.
-- params: already_said_re, repeat_informative_share
WITH informative AS (
    SELECT conversation_id, seq, phase, word, scarce FROM customer_words WHERE informative
),
told_bot AS (
    -- what the customer told the bot; the numbers inside a code or a measure told the bot
    -- ("TKT881920", "600x400mm") are told again when said alone ("600 x 400")
    SELECT DISTINCT conversation_id, word
    FROM (SELECT conversation_id, word FROM informative WHERE phase = 'bot'
          UNION ALL
          SELECT conversation_id, unnest(regexp_extract_all(word, '[0-9]{3,}'))
          FROM informative
          WHERE phase = 'bot')
),
told AS (
    SELECT a.conversation_id, a.seq, count(*) AS n_words,
           count(b.word) AS n_told, min(b.word) AS example,
           bool_or(a.scarce) FILTER (WHERE b.word IS NOT NULL) AS scarce_told,
           count(b.word) FILTER (WHERE regexp_matches(a.word, '[0-9]')) AS values_told,
           count(*) FILTER (WHERE regexp_matches(a.word, '[0-9]') AND b.word IS NULL) AS new_values
    FROM informative a
    LEFT JOIN told_bot b
      ON b.conversation_id = a.conversation_id AND b.word = a.word
    WHERE a.phase = 'agent'
    GROUP BY a.conversation_id, a.seq
)
SELECT
    t.conversation_id,
    t.seq,
    m.message_id,
    m.text,
    t.n_words,
    t.n_told,
    t.example,
    t.new_values,
    t.n_told >= 1
    AND (t.values_told >= 1
         OR (t.new_values = 0
             AND (t.n_told >= 2 OR t.scarce_told)
             AND CAST(t.n_told AS DOUBLE) / t.n_words >= $repeat_informative_share)
         OR (t.new_values = 0 AND regexp_matches(m.text, $already_said_re))) AS restates
FROM told t
JOIN turns m ON m.conversation_id = t.conversation_id AND m.seq = t.seq;
