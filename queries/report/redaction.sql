-- name: redaction
-- description: Defines redacted(value, patterns, replacements) on the connection: `value` without control characters (terminal escapes, bidirectional overrides; tabs and line breaks stay) and with every match of patterns[i] replaced by replacements[i], in list order (the [redaction] kinds, see analyzer.config.redaction_rules); empty lists replace nothing and NULL stays NULL. The report and the review sheet call it over whole columns; the database keeps the original text.
-- params:
CREATE OR REPLACE TEMP MACRO redacted(value, patterns, replacements) AS
    list_reduce(
        list_zip(CAST(patterns AS VARCHAR[]), CAST(replacements AS VARCHAR[])),
        lambda acc, rule: regexp_replace(acc, rule[1], rule[2], 'g'),
        regexp_replace(
            CAST(value AS VARCHAR),
            '[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x{9F}\x{61C}\x{200E}\x{200F}\x{202A}-\x{202E}\x{2066}-\x{2069}]',
            '',
            'g'
        )
    );
