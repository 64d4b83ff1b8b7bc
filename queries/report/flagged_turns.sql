-- name: flagged_turns
-- description: Turns of the given conversations for the drill-down, at most $max_turns each: the first ($max_turns - $max_evidence) turns plus the first $max_evidence evidence turns wherever they are; text cut to $max_chars, with the flags (at most $max_notes) each turn is evidence for.
-- params: ids, max_turns, max_evidence, max_chars, max_notes
WITH evidence AS (
    SELECT conversation_id, message_id,
           list_slice(list(flag ORDER BY flag, detail), 1, $max_notes) AS flags,
           list_slice(list(left(coalesce(detail, ''), $max_chars) ORDER BY flag, detail),
                      1, $max_notes) AS details
    FROM friction_flags
    WHERE conversation_id IN (SELECT unnest($ids)) AND message_id IS NOT NULL
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
)
SELECT
    conversation_id, seq, message_id, "timestamp", role, event,
    left(text, $max_chars) AS text,
    coalesce(length(text), 0) > $max_chars AS truncated,
    coalesce(flags, CAST([] AS VARCHAR[])) AS flags,
    coalesce(details, CAST([] AS VARCHAR[])) AS details,
    turn_count
FROM marked
WHERE seq <= $max_turns - $max_evidence
   OR (is_evidence AND kind_rank <= $max_evidence)
ORDER BY conversation_id, seq;
