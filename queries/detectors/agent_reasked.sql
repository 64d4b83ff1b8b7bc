-- name: agent_reasked
-- description: An agent asked for information the customer had already given before the handoff, of any kind: the customer's answer to the agent's question repeats what they told the bot (informative words, as customer_repeated counts them), or the customer answers that they already said it, or the bot had asked about the same thing (a topic word of the agent's question in the bot's question) and the customer answered it, or a configured kind (order number, e-mail, ...) named or answered before the handoff. Asking for something new, or quoting the value back to confirm it, is not a re-ask.
-- params: problem_question_re, ask_any_re, info_request_re, reference_words, already_said_re, value_question_re, repeat_informative_share
WITH asking AS (
    SELECT t.conversation_id, t.seq, t.message_id, t.text
    FROM turns t
    JOIN answered_handoffs h ON h.conversation_id = t.conversation_id AND t.seq >= h.first_agent_seq
    WHERE t.role = 'agent' AND t.is_message AND regexp_matches(t.text, $info_request_re)
      AND regexp_matches(t.text, $ask_any_re)
),
before_handoff AS (
    SELECT t.conversation_id, t.seq, t.message_id, t.role, t.text,
           lag(t.role) OVER (PARTITION BY t.conversation_id ORDER BY t.seq) AS prev_role,
           lag(t.seq) OVER (PARTITION BY t.conversation_id ORDER BY t.seq) AS prev_seq
    FROM turns t
    JOIN answered_handoffs h ON h.conversation_id = t.conversation_id
    WHERE t.is_message AND t.seq < h.handoff_seq AND t.role IN ('customer', 'bot')
      AND t.conversation_id IN (SELECT conversation_id FROM asking)
),
named AS (
    -- values the customer gave, with the kind their own words name (queries/support/, one
    -- constant regex per configured kind)
    SELECT v.conversation_id, v.seq, v.text, v.kind, v.raw_value
    FROM identifier_values v
    WHERE v.conversation_id IN (SELECT conversation_id FROM asking)
),
answered AS (
    -- a value given right after the bot asked for a kind takes the kind asked for
    SELECT DISTINCT n.conversation_id, n.seq, n.text, a.kind, n.raw_value
    FROM named n
    JOIN before_handoff b ON b.conversation_id = n.conversation_id AND b.seq = n.seq
    JOIN kind_asks a ON a.conversation_id = b.conversation_id AND a.seq = b.prev_seq
    WHERE b.prev_role = 'bot'
),
keyed AS (
    SELECT *,
           CASE WHEN length(regexp_replace(raw_value, '[^0-9]+', '', 'g')) >= 4
                THEN right(regexp_replace(raw_value, '[^0-9]+', '', 'g'), 9)
                ELSE regexp_replace(lower(raw_value), '[^\p{L}\p{N}@]+', '', 'g') END AS value
    FROM (SELECT conversation_id, seq, text, kind, raw_value FROM named
          UNION ALL
          SELECT conversation_id, seq, text, kind, raw_value FROM answered)
),
bare AS (
    -- a number that names no kind (and is no part of a named value) may answer any kind in
    -- reference_words
    SELECT r.conversation_id, r.seq, r.value
    FROM keyed r
    WHERE r.kind = 'reference'
      AND NOT EXISTS (
          SELECT 1 FROM keyed k
          WHERE k.conversation_id = r.conversation_id AND k.kind <> 'reference'
            AND (k.value = r.value OR (k.seq = r.seq AND strpos(k.raw_value, r.raw_value) > 0))
      )
),
given AS (
    SELECT conversation_id, kind, arg_min(raw_value, seq) AS raw_value, arg_min(text, seq) AS text,
           arg_min(value, seq) AS value
    FROM (SELECT conversation_id, seq, text, kind, raw_value, value FROM keyed
          WHERE kind <> 'reference'
          UNION ALL
          SELECT k.conversation_id, k.seq, k.text, r.kind, k.raw_value, k.value
          FROM keyed k
          JOIN bare b
            ON b.conversation_id = k.conversation_id AND b.seq = k.seq AND b.value = k.value
          CROSS JOIN (SELECT unnest($reference_words) AS kind) r
          WHERE k.kind = 'reference')
    GROUP BY conversation_id, kind
),
questions AS (
    SELECT q.conversation_id, q.seq, q.message_id, q.text, a.kind,
           regexp_replace(lower(q.text), '[^\p{L}\p{N}@]+', '', 'g') AS squeezed
    FROM asking q
    JOIN kind_asks a ON a.conversation_id = q.conversation_id AND a.seq = q.seq
),
reasks AS (
    SELECT q.conversation_id, q.seq, q.message_id, q.kind,
           'agent asked for the ' || q.kind || ': "' || left(q.text, 100)
               || '" - the customer had already given ' || g.raw_value || ': "'
               || left(g.text, 100) || '"' AS detail,
           row_number() OVER (PARTITION BY q.conversation_id ORDER BY q.seq, q.kind) AS rn
    FROM questions q
    JOIN given g ON g.conversation_id = q.conversation_id AND g.kind = q.kind
    WHERE strpos(q.squeezed, g.value) = 0
),
-- Any kind of information: what the agent's question is about, and what came of it.
agent_questions AS (
    SELECT t.conversation_id, t.seq, t.message_id, t.text
    FROM turns t
    JOIN answered_handoffs h ON h.conversation_id = t.conversation_id AND t.seq >= h.first_agent_seq
    WHERE t.role = 'agent' AND t.is_message
      -- a question or a request; in a transcript without punctuation (voice), any sentence that
      -- asks for a value
      AND (regexp_matches(t.text, $info_request_re)
           OR (NOT regexp_matches(t.text, '[.?!]') AND regexp_matches(t.text, $value_question_re)))
),
replies AS (
    -- the customer's next message after each agent question, before the agent wrote again
    SELECT q.conversation_id, q.seq AS ask_seq, q.message_id, q.text AS ask_text,
           min(t.seq) AS reply_seq, arg_min(t.text, t.seq) AS reply_text
    FROM agent_questions q
    JOIN turns t
      ON t.conversation_id = q.conversation_id AND t.seq > q.seq
     AND t.role = 'customer' AND t.is_message
    WHERE NOT EXISTS (
        SELECT 1 FROM turns a
        WHERE a.conversation_id = q.conversation_id AND a.role = 'agent' AND a.is_message
          AND a.seq > q.seq AND a.seq < t.seq)
    GROUP BY q.conversation_id, q.seq, q.message_id, q.text
),
bot_phase AS (
    SELECT t.conversation_id, t.seq, t.role, t.text,
           lead(t.role) OVER (PARTITION BY t.conversation_id ORDER BY t.seq) AS next_role,
           -- words are counted only in the customer's messages: only a customer's reply is read
           lead(CASE WHEN t.role = 'customer'
                     THEN array_length(regexp_extract_all(t.text, '[\p{L}\p{N}]+')) END)
               OVER (PARTITION BY t.conversation_id ORDER BY t.seq) AS next_words,
           lead(t.is_human_request) OVER (PARTITION BY t.conversation_id ORDER BY t.seq)
               AS next_asks_for_human
    FROM turns t
    JOIN answered_handoffs h ON h.conversation_id = t.conversation_id
    WHERE t.is_message AND t.seq < h.handoff_seq AND t.role IN ('customer', 'bot')
),
answered_bot_questions AS (
    -- a bot question before the handoff that the customer answered next, with a value: a short
    -- reply (a long one is the customer talking, not giving what was asked), and no request for
    -- a person ("I'd rather talk to a human" declines the question)
    SELECT conversation_id, seq, text
    FROM bot_phase
    WHERE role = 'bot' AND next_role = 'customer' AND next_words <= 12
      AND NOT next_asks_for_human
),
bot_topics AS (
    -- how many things a bot question asks about: its topic words that could be matched, so a
    -- word most customers use ("the car's current mileage") does not make it broad
    SELECT t.conversation_id, t.seq, count(*) AS n
    FROM question_topics t
    LEFT JOIN word_rarity r ON r.word = t.word
    WHERE t.role = 'bot' AND coalesce(r.rare, true)
    GROUP BY t.conversation_id, t.seq
),
topic_matches AS (
    -- an agent question and an answered bot question with topic words in common (plural 's'
    -- dropped, "chip" in "microchip"), each word not one most customers use ("account")
    SELECT q.conversation_id, q.seq, ba.seq AS bot_seq, bq.text AS bot_text,
           count(DISTINCT qa.word) AS shared, min(qa.word) AS word
    FROM agent_questions q
    JOIN question_topics qa ON qa.conversation_id = q.conversation_id AND qa.seq = q.seq
    JOIN question_topics ba ON ba.conversation_id = q.conversation_id AND ba.role = 'bot'
     AND (ba.word = qa.word
          OR (least(length(ba.word), length(qa.word)) >= 4
              AND (right(ba.word, length(qa.word)) = qa.word
                   OR right(qa.word, length(ba.word)) = ba.word)))
    JOIN answered_bot_questions bq ON bq.conversation_id = ba.conversation_id AND bq.seq = ba.seq
    LEFT JOIN word_rarity r ON r.word = qa.word
    WHERE coalesce(r.rare, true)
    GROUP BY q.conversation_id, q.seq, ba.seq, bq.text
),
same_topic AS (
    -- one shared topic word is enough when the bot's question was about one or two things
    -- ("which club do you use?"); a broader one must share two ("what name is on the passport
    -- and which flight?" is not "which passport is it?")
    SELECT m.conversation_id, m.seq, min(m.word) AS word, min(m.bot_text) AS bot_text
    FROM topic_matches m
    JOIN bot_topics b ON b.conversation_id = m.conversation_id AND b.seq = m.bot_seq
    WHERE m.shared >= 2 OR b.n <= 2
    GROUP BY m.conversation_id, m.seq
),
given_values AS (
    -- numbers and codes the customer gave before the handoff: an agent quoting one back confirms
    SELECT DISTINCT conversation_id, word
    FROM customer_words
    WHERE phase = 'bot' AND regexp_matches(word, '[0-9]') AND length(word) >= 3
),
described AS (
    -- conversations whose customer described something to the bot (three informative words)
    SELECT conversation_id, count(DISTINCT word) AS n
    FROM customer_words
    WHERE phase = 'bot' AND informative
    GROUP BY conversation_id
    HAVING count(DISTINCT word) >= 3
),
specific AS (
    -- agent questions about something in particular: "how can I help?" asks for nothing given
    SELECT DISTINCT conversation_id, seq FROM question_topics WHERE role = 'agent'
),
any_kind AS (
    SELECT r.conversation_id, r.ask_seq AS seq, r.message_id, 1 AS priority,
           'agent asked "' || left(r.ask_text, 100) || '" and the customer answered with what '
               || 'they had told the bot (' || t.example || ')' AS detail
    FROM replies r
    JOIN specific q ON q.conversation_id = r.conversation_id AND q.seq = r.ask_seq
    JOIN restatements t ON t.conversation_id = r.conversation_id AND t.seq = r.reply_seq
    -- the answer is what the bot was told: one that also brings new information ("Boots on
    -- Corporation Street, and it's the propranolol 40mg"), or a new number or code ("until 21
    -- April, for hire HL-30917"), answered a new question
    WHERE t.restates AND CAST(t.n_told AS DOUBLE) / t.n_words >= $repeat_informative_share
      AND t.new_values = 0
    UNION ALL
    SELECT r.conversation_id, r.ask_seq, r.message_id, 2,
           'agent asked "' || left(r.ask_text, 100) || '" and the customer said they already had: "'
               || left(r.reply_text, 100) || '"'
    FROM replies r
    JOIN specific q ON q.conversation_id = r.conversation_id AND q.seq = r.ask_seq
    WHERE regexp_matches(r.reply_text, $already_said_re)
    UNION ALL
    -- asked to describe a problem the customer had described to the bot, and the answer
    -- describes it again (a new question about it gets new details, not the same ones)
    SELECT r.conversation_id, r.ask_seq, r.message_id, 4,
           'agent asked "' || left(r.ask_text, 100) || '" - the customer had described it to the '
               || 'bot and described it again (' || t.example || ')'
    FROM replies r
    JOIN described d ON d.conversation_id = r.conversation_id
    JOIN restatements t ON t.conversation_id = r.conversation_id AND t.seq = r.reply_seq
    WHERE regexp_matches(r.ask_text, $problem_question_re) AND t.n_told >= 1
    UNION ALL
    SELECT q.conversation_id, q.seq, q.message_id, 3,
           'agent asked "' || left(q.text, 100) || '" - the customer had answered the bot''s "'
               || left(s.bot_text, 100) || '" (' || s.word || ')'
    FROM agent_questions q
    JOIN same_topic s ON s.conversation_id = q.conversation_id AND s.seq = q.seq
),
quoted_back AS (
    SELECT DISTINCT q.conversation_id, q.seq
    FROM agent_questions q
    JOIN given_values v
      ON v.conversation_id = q.conversation_id AND strpos(lower(q.text), v.word) > 0
),
any_kind_reasks AS (
    SELECT a.*
    FROM any_kind a
    LEFT JOIN quoted_back b ON b.conversation_id = a.conversation_id AND b.seq = a.seq
    WHERE b.seq IS NULL
),
all_reasks AS (
    SELECT conversation_id, seq, message_id, 0 AS priority, detail FROM reasks
    UNION ALL
    SELECT conversation_id, seq, message_id, priority, detail FROM any_kind_reasks
),
first_reask AS (
    -- detail breaks ties (two kinds asked in one question), so the same data always gives the
    -- same flag
    SELECT *, row_number() OVER (PARTITION BY conversation_id ORDER BY seq, priority, detail) AS rank
    FROM all_reasks
)
SELECT conversation_id, 'agent_reasked' AS flag, message_id, detail, CAST(NULL AS DOUBLE) AS score
FROM first_reask
WHERE rank = 1
ORDER BY conversation_id;
