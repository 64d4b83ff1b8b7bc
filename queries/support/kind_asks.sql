-- name: kind_asks
-- description: Bot and agent messages that ask for one kind of information; run once per kind of the [asks_for] config, so each pattern is a constant regex compiled once.
-- params: kind, pattern, ask_any_re
SELECT conversation_id, seq, CAST($kind AS VARCHAR) AS kind
FROM turns
WHERE role IN ('bot', 'agent') AND is_message
  AND regexp_matches(text, $ask_any_re) AND regexp_matches(text, $pattern)
ORDER BY conversation_id, seq;
