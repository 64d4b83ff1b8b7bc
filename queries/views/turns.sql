-- name: turns
-- description: Every event in conversation order (seq), each message classified once by the phrase lists, so later steps never re-run a regex.
-- params: transfer_notice_re, transfer_offer_re, fallback_re, confirmation_re, acknowledgement_re, negative_feedback_re, human_request_re, not_human_request_re, handoff_failure_re, human_request_intents
WITH ordered AS (
    SELECT
        e.*,
        row_number() OVER (
            PARTITION BY conversation_id
            ORDER BY "timestamp" NULLS LAST, source_file, record_no, message_id
        ) AS seq,
        event = 'message' AND text IS NOT NULL AND trim(text) <> '' AS is_message
    FROM events e
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
    -- each regex runs only on the messages it can apply to (CASE, unlike AND, skips the rest)
    CASE WHEN is_message AND role IN ('bot', 'system')
         THEN regexp_matches(text, $transfer_notice_re) AND NOT regexp_matches(text, $transfer_offer_re)
         ELSE false END AS is_transfer_notice,
    CASE WHEN is_message AND role IN ('bot', 'system')
         THEN regexp_matches(text, $handoff_failure_re) ELSE false END AS is_failure_notice,
    CASE WHEN role = 'bot' AND event = 'bot_fallback' THEN true
         WHEN is_message AND role = 'bot' THEN regexp_matches(text, $fallback_re)
         ELSE false END AS is_fallback,
    CASE WHEN is_message AND role = 'customer'
         THEN regexp_matches(text, $confirmation_re) AND NOT regexp_matches(text, $negative_feedback_re)
         ELSE false END AS is_confirmation,
    CASE WHEN is_message AND role = 'customer'
         THEN regexp_matches(text, $acknowledgement_re) ELSE false END AS is_acknowledgement,
    CASE WHEN is_message AND role = 'customer'
         THEN regexp_matches(text, $negative_feedback_re) ELSE false END AS is_negative,
    CASE WHEN role = 'customer' AND event = 'handoff_requested' THEN true
         WHEN is_message AND role = 'customer'
         THEN (regexp_matches(text, $human_request_re) AND NOT regexp_matches(text, $not_human_request_re))
              OR coalesce(list_contains($human_request_intents, lower(intent)), false)
         ELSE false END AS is_human_request
FROM ordered;
