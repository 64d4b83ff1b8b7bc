-- name: turns
-- description: Every event in conversation order (seq), each message classified once by the phrase lists, so later steps never re-run a regex.
-- params: transfer_notice_re, queue_notice_re, transfer_hint_re, transfer_offer_sentence_re, busy_but_queued_sentence_re, fallback_re, confirmation_re, acknowledgement_re, negative_feedback_re, human_request_re, not_human_request_re, handoff_failure_re, human_request_intents
WITH positions AS (
    -- each event's place in its conversation, sorted over the keys alone (a window sorts every
    -- column it carries); (conversation_id, message_id) is unique in events (the dedupe rule)
    SELECT conversation_id, message_id,
           row_number() OVER (
               PARTITION BY conversation_id
               ORDER BY "timestamp" NULLS LAST, source_file, record_no, message_id
           ) AS seq
    FROM events
),
ordered AS (
    SELECT *, event = 'message' AND has_text AS is_message
    FROM (
        -- (ltrim: a text is blank for it exactly when it is for trim, and it stops at the
        -- first character that is not a space)
        SELECT e.*, p.seq, e.text IS NOT NULL AND ltrim(e.text) <> '' AS has_text
        FROM events e
        JOIN positions p ON p.conversation_id = e.conversation_id AND p.message_id = e.message_id
    )
),
said AS (
    -- a notice is read sentence by sentence (verbose assistants write several per turn):
    -- questions and offers ("shall I connect you?", "if you like I can pass you to a
    -- colleague") are taken out first, so a notice in another sentence still counts. Each regex
    -- runs only on the messages it can apply to (CASE, unlike AND, skips the rest), and the
    -- sentences are cut once for both lists.
    SELECT
        conversation_id, seq, role, is_message,
        CASE WHEN has_text AND role IN ('bot', 'system')
             THEN regexp_matches(text, $transfer_notice_re) OR regexp_matches(text, $queue_notice_re)
             ELSE false END AS may_notice,
        CASE WHEN has_text AND role IN ('bot', 'system') THEN regexp_matches(text, $transfer_hint_re)
             ELSE false END AS may_hint,
        text
    FROM ordered
),
stripped AS (
    SELECT conversation_id, seq, role, is_message, may_notice, may_hint,
           CASE WHEN may_notice OR may_hint
                THEN regexp_replace(regexp_replace(text, '[^.!?\n]*[?]', ' ', 'g'),
                                    $transfer_offer_sentence_re, ' ', 'g') END AS statements
    FROM said
),
marks AS (
    -- the conversation-wide positions, over the keys alone (a window sorts every column it
    -- carries, and the text is the widest)
    SELECT
        conversation_id, seq, role, is_message,
        CASE WHEN may_notice
             THEN regexp_matches(statements, $transfer_notice_re)
                  OR regexp_matches(statements, $queue_notice_re)
             ELSE false END AS says_notice,
        CASE WHEN may_hint THEN regexp_matches(statements, $transfer_hint_re)
             ELSE false END AS says_hint,
        min(CASE WHEN role = 'agent' AND is_message THEN seq END)
            OVER (PARTITION BY conversation_id) AS agent_from_seq,
        min(CASE WHEN role = 'customer' AND is_message THEN seq END)
            OVER (PARTITION BY conversation_id) AS first_customer_seq,
        min(CASE WHEN role = 'customer' AND is_message THEN seq END) OVER (
            PARTITION BY conversation_id ORDER BY seq
            ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_customer_seq
    FROM stripped
),
placed AS (
    SELECT
        m.*,
        -- the bot's last message before the first agent message (or before the log ends)
        max(CASE WHEN role = 'bot' AND is_message AND seq < coalesce(agent_from_seq, seq + 1)
                 THEN seq END) OVER (PARTITION BY conversation_id) AS last_bot_before_agent
    FROM marks m
),
transfer AS (
    SELECT conversation_id, seq,
           -- before the customer has written, the words are the line's greeting ("you're
           -- through to the booking line"), not a transfer, unless an agent writes next
           (seq > first_customer_seq
            OR (seq < agent_from_seq AND (next_customer_seq IS NULL OR next_customer_seq > agent_from_seq)))
           AND (
           -- a notice with any destination ("transferring you to billing") counts among the
           -- bot's last words before an agent writes or the log ends, where no other transfer
           -- can be meant
           says_notice
           OR (says_hint AND seq < coalesce(agent_from_seq, seq + 1)
               AND (next_customer_seq IS NULL OR next_customer_seq > coalesce(agent_from_seq, next_customer_seq)
                    OR last_bot_before_agent < next_customer_seq))) AS is_transfer_notice
    FROM placed
)
SELECT
    conversation_id,
    seq,
    message_id,
    "timestamp",
    role,
    text,
    event,
    queue,
    participant_id,
    intent,
    channel,
    metadata,
    handoff_context,
    platform_outcome,
    is_message,
    x.is_transfer_notice,
    -- a conditional ("if I can't, I'll find a colleague") or a busy team with a wait reports no
    -- failure
    CASE WHEN is_message AND role IN ('bot', 'system') AND regexp_matches(text, $handoff_failure_re)
         THEN regexp_matches(regexp_replace(regexp_replace(text, $transfer_offer_sentence_re, ' ', 'g'),
                                            $busy_but_queued_sentence_re, ' ', 'g'),
                             $handoff_failure_re)
         ELSE false END AS is_failure_notice,
    CASE WHEN role = 'bot' AND event = 'bot_fallback' THEN true
         WHEN is_message AND role = 'bot' THEN regexp_matches(text, $fallback_re)
         ELSE false END AS is_fallback,
    -- a message that goes on to ask something ("great. what if it bleeds") confirms nothing
    -- (each CASE runs the later patterns only on the messages the first one matched)
    CASE WHEN is_message AND role = 'customer' AND regexp_matches(text, $confirmation_re)
         THEN NOT regexp_matches(text, $negative_feedback_re)
              AND NOT regexp_matches(lower(text), '[?]|[.!,;]\s*(what|how|why|when|where|which|who|can|could|is|are|do|does|will|would)\b[^.!]*$')
         ELSE false END AS is_confirmation,
    CASE WHEN is_message AND role = 'customer'
         THEN regexp_matches(text, $acknowledgement_re) ELSE false END AS is_acknowledgement,
    CASE WHEN is_message AND role = 'customer'
         THEN regexp_matches(text, $negative_feedback_re) ELSE false END AS is_negative,
    CASE WHEN role = 'customer' AND event = 'handoff_requested' THEN true
         WHEN is_message AND role = 'customer'
         THEN coalesce(list_contains($human_request_intents, lower(intent)), false)
              OR CASE WHEN regexp_matches(text, $human_request_re)
                      THEN NOT regexp_matches(text, $not_human_request_re) ELSE false END
         ELSE false END AS is_human_request
FROM ordered o
JOIN transfer x USING (conversation_id, seq);
