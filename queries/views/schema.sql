-- name: schema
-- description: The stored tables: the public data contract (see docs/data-contract.md).
-- params:
CREATE TABLE IF NOT EXISTS events (
    conversation_id  VARCHAR NOT NULL,
    message_id       VARCHAR NOT NULL,
    "timestamp"      TIMESTAMP,          -- UTC; NULL only for formats that carry no time
    role             VARCHAR NOT NULL,   -- customer | bot | agent | system
    text             VARCHAR,
    event            VARCHAR NOT NULL,   -- message | handoff_requested | handoff_initiated | ...
    queue            VARCHAR,
    participant_id   VARCHAR,
    intent           VARCHAR,
    channel          VARCHAR,
    metadata         JSON,
    handoff_context  VARCHAR,            -- what the bot passed to the agent, when the platform says
    platform_outcome VARCHAR,            -- the platform's own outcome, when it reports one
    source_file      VARCHAR NOT NULL,
    source_format    VARCHAR NOT NULL,
    record_no        BIGINT NOT NULL,    -- line (JSONL), data row (CSV, Parquet) or record number
    source_record    JSON,               -- the original platform record, for importers
    loaded_at        TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS rejects (
    source_file   VARCHAR NOT NULL,
    source_format VARCHAR NOT NULL,
    record_no     BIGINT NOT NULL,
    reason        VARCHAR NOT NULL,
    raw           VARCHAR,
    rejected_at   TIMESTAMP NOT NULL,
    reject_code   VARCHAR              -- the reason's stable short code (see the data contract)
);
CREATE TABLE IF NOT EXISTS loads (
    load_id     BIGINT NOT NULL,
    source_file VARCHAR NOT NULL,
    source_format VARCHAR NOT NULL,
    size_bytes  BIGINT,
    modified_at TIMESTAMP,
    records_read BIGINT NOT NULL,
    loaded      BIGINT NOT NULL,
    duplicates  BIGINT NOT NULL,
    rejected    BIGINT NOT NULL,
    loaded_at   TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS friction_flags (
    conversation_id VARCHAR NOT NULL,
    flag            VARCHAR NOT NULL,
    message_id      VARCHAR,
    detail          VARCHAR,
    score           DOUBLE
);
CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);
CREATE TABLE IF NOT EXISTS reviews (
    conversation_id VARCHAR NOT NULL,
    flag            VARCHAR NOT NULL,
    verdict         VARCHAR NOT NULL,    -- confirmed | false_positive | unsure
    note            VARCHAR,
    reviewer        VARCHAR NOT NULL,
    reviewed_at     TIMESTAMP NOT NULL,
    source_file     VARCHAR
);
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,  -- queries/migrations/NNNN_*.sql applied to this database
    name        VARCHAR NOT NULL,
    applied_at  TIMESTAMP NOT NULL,
    applied_by  VARCHAR NOT NULL
);
