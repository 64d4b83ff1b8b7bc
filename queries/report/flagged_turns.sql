-- name: flagged_turns
-- description: Turns of the given conversations for the drill-down, at most $max_turns each: the first ($max_turns - $max_evidence) turns plus the first $max_evidence evidence turns wherever they are; text cut to $max_chars, with the flags (at most $max_notes) each turn is evidence for. Personal data in text, flag details and message ids is replaced by the rules in $redact_patterns and $redact_replacements (the config's [redaction] table; empty lists with --no-redact) before text is cut.
-- params: ids, max_turns, max_evidence, max_chars, max_notes, redact_patterns, redact_replacements
WITH flags AS (
    SELECT
        conversation_id, message_id, flag,
        redacted(coalesce(detail, ''), $redact_patterns, $redact_replacements) AS detail
    FROM friction_flags
    WHERE conversation_id IN (SELECT unnest($ids)) AND message_id IS NOT NULL
),
evidence AS (
    SELECT conversation_id, message_id,
           list_slice(list(flag ORDER BY flag, detail), 1, $max_notes) AS flags,
           list_slice(list(left(detail, $max_chars) ORDER BY flag, detail), 1, $max_notes) AS details
    FROM flags
    GROUP BY conversation_id, message_id
),
marked AS (
    SELECT
        t.conversation_id, t.seq, t.message_id, t."timestamp", t.role, t.event, t.text,
        e.flags, e.details,
        e.message_id IS NOT NULL AS is_evidence,
        count(*) OVER (PARTITION BY t.conversation_id) AS turn_count,
        row_number() OVER (
            PARTITION BY t.conversation_id, (e.message_id IS NOT NULL) ORDER BY t.seq
        ) AS kind_rank
    FROM turns t
    LEFT JOIN evidence e USING (conversation_id, message_id)
    WHERE t.conversation_id IN (SELECT unnest($ids))
),
kept AS (
    SELECT
        *,
        redacted(text, $redact_patterns, $redact_replacements) AS shown_text
    FROM marked
    WHERE seq <= $max_turns - $max_evidence
       OR (is_evidence AND kind_rank <= $max_evidence)
)
SELECT
    conversation_id, seq,
    redacted(message_id, $redact_patterns, $redact_replacements) AS message_id,
    "timestamp", role, event,
    left(shown_text, $max_chars) AS text,
    coalesce(length(shown_text), 0) > $max_chars AS truncated,
    coalesce(flags, CAST([] AS VARCHAR[])) AS flags,
    coalesce(details, CAST([] AS VARCHAR[])) AS details,
    turn_count
FROM kept
ORDER BY conversation_id, seq;
