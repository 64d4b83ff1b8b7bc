-- name: 0004_reject_codes
-- description: rejects gets reject_code, the stable short code of its reason (docs/data-contract.md, "Reject codes"), which the loader now writes beside the reason. Rows written before are given the code their reason's wording stands for (the wordings of releases up to this one); a reason no rule knows gets 'other'.
-- params:
ALTER TABLE rejects ADD COLUMN IF NOT EXISTS reject_code VARCHAR;

UPDATE rejects SET reject_code = CASE
    WHEN reason = 'unreadable line' THEN 'unreadable_line'
    WHEN reason = 'not valid JSON' THEN 'invalid_json'
    WHEN reason = 'not a JSON object' THEN 'not_object'
    WHEN starts_with(reason, 'not valid UTF-8') THEN 'invalid_utf8'
    WHEN starts_with(reason, 'CSV row has an unterminated quote') THEN 'csv_quote'
    WHEN starts_with(reason, 'CSV row cannot be parsed') THEN 'csv_row'
    WHEN regexp_matches(reason, '^CSV row is not valid .* text') THEN 'invalid_encoding'
    WHEN regexp_matches(reason, '^CSV row has [0-9]+ field') THEN 'csv_width'
    WHEN reason = 'missing required field conversation_id' THEN 'missing_conversation_id'
    WHEN reason = 'missing required field timestamp' THEN 'missing_timestamp'
    WHEN reason = 'missing required field role' THEN 'missing_role'
    WHEN starts_with(reason, 'unparseable timestamp ') THEN 'bad_timestamp'
    WHEN starts_with(reason, 'timestamp ') AND contains(reason, ' is outside the years ') THEN 'timestamp_out_of_range'
    WHEN starts_with(reason, 'unknown role ') THEN 'unknown_role'
    WHEN starts_with(reason, 'unknown event ') THEN 'unknown_event'
    WHEN regexp_matches(reason, ' is not a JSON object$')
         OR reason IN ('turn is not a [speaker, text] pair', 'message has no role') THEN 'bad_item'
    ELSE 'other'
END
WHERE reject_code IS NULL;
