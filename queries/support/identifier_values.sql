-- name: identifier_values
-- description: Values of one identifier kind among the candidate identifiers; run once per (kind, pattern) of the [identifiers] config, so each pattern is a constant regex compiled once.
-- params: kind, pattern
SELECT conversation_id, seq, text, CAST($kind AS VARCHAR) AS kind,
       unnest(regexp_extract_all(hit, $pattern, 1)) AS raw_value
FROM identifier_hits
WHERE regexp_matches(hit, $pattern);
