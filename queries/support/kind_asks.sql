-- name: kind_asks
-- description: Bot and agent messages that ask for one kind of information; run once per kind of the [asks_for] config, so each pattern is a constant regex compiled once.
-- params: kind, pattern
SELECT conversation_id, seq, CAST($kind AS VARCHAR) AS kind
FROM ask_candidates
WHERE regexp_matches(text, $pattern);
