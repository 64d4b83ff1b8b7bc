-- name: redaction
-- description: Defines redacted(value, patterns, replacements) on the connection: `value` without control characters (terminal escapes, bidirectional overrides; tabs and line breaks stay) and with every match of patterns[i] replaced by replacements[i], for i = 1 to 20 in order (the [redaction] kinds, see analyzer.config.redaction_rules; a missing rule matches nothing); empty lists replace nothing and NULL stays NULL. Each rule is its own regexp_replace over a constant list element, so DuckDB compiles every pattern once per query, not once per row. The report and the review sheet call it over whole columns; the database keeps the original text.
-- params:
CREATE OR REPLACE TEMP MACRO redacted(value, patterns, replacements) AS
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    regexp_replace(
        CAST(value AS VARCHAR),
        '[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x{9F}\x{61C}\x{200E}\x{200F}\x{202A}-\x{202E}\x{2066}-\x{2069}]',
        '',
        'g'
    ),
    coalesce(CAST(patterns AS VARCHAR[])[1], '[^\s\S]'), coalesce(CAST(replacements AS VARCHAR[])[1], ''), 'g'),
    coalesce(CAST(patterns AS VARCHAR[])[2], '[^\s\S]'), coalesce(CAST(replacements AS VARCHAR[])[2], ''), 'g'),
    coalesce(CAST(patterns AS VARCHAR[])[3], '[^\s\S]'), coalesce(CAST(replacements AS VARCHAR[])[3], ''), 'g'),
    coalesce(CAST(patterns AS VARCHAR[])[4], '[^\s\S]'), coalesce(CAST(replacements AS VARCHAR[])[4], ''), 'g'),
    coalesce(CAST(patterns AS VARCHAR[])[5], '[^\s\S]'), coalesce(CAST(replacements AS VARCHAR[])[5], ''), 'g'),
    coalesce(CAST(patterns AS VARCHAR[])[6], '[^\s\S]'), coalesce(CAST(replacements AS VARCHAR[])[6], ''), 'g'),
    coalesce(CAST(patterns AS VARCHAR[])[7], '[^\s\S]'), coalesce(CAST(replacements AS VARCHAR[])[7], ''), 'g'),
    coalesce(CAST(patterns AS VARCHAR[])[8], '[^\s\S]'), coalesce(CAST(replacements AS VARCHAR[])[8], ''), 'g'),
    coalesce(CAST(patterns AS VARCHAR[])[9], '[^\s\S]'), coalesce(CAST(replacements AS VARCHAR[])[9], ''), 'g'),
    coalesce(CAST(patterns AS VARCHAR[])[10], '[^\s\S]'), coalesce(CAST(replacements AS VARCHAR[])[10], ''), 'g'),
    coalesce(CAST(patterns AS VARCHAR[])[11], '[^\s\S]'), coalesce(CAST(replacements AS VARCHAR[])[11], ''), 'g'),
    coalesce(CAST(patterns AS VARCHAR[])[12], '[^\s\S]'), coalesce(CAST(replacements AS VARCHAR[])[12], ''), 'g'),
    coalesce(CAST(patterns AS VARCHAR[])[13], '[^\s\S]'), coalesce(CAST(replacements AS VARCHAR[])[13], ''), 'g'),
    coalesce(CAST(patterns AS VARCHAR[])[14], '[^\s\S]'), coalesce(CAST(replacements AS VARCHAR[])[14], ''), 'g'),
    coalesce(CAST(patterns AS VARCHAR[])[15], '[^\s\S]'), coalesce(CAST(replacements AS VARCHAR[])[15], ''), 'g'),
    coalesce(CAST(patterns AS VARCHAR[])[16], '[^\s\S]'), coalesce(CAST(replacements AS VARCHAR[])[16], ''), 'g'),
    coalesce(CAST(patterns AS VARCHAR[])[17], '[^\s\S]'), coalesce(CAST(replacements AS VARCHAR[])[17], ''), 'g'),
    coalesce(CAST(patterns AS VARCHAR[])[18], '[^\s\S]'), coalesce(CAST(replacements AS VARCHAR[])[18], ''), 'g'),
    coalesce(CAST(patterns AS VARCHAR[])[19], '[^\s\S]'), coalesce(CAST(replacements AS VARCHAR[])[19], ''), 'g'),
    coalesce(CAST(patterns AS VARCHAR[])[20], '[^\s\S]'), coalesce(CAST(replacements AS VARCHAR[])[20], ''), 'g');
