-- name: 0002_derived_fingerprints
-- description: Derived tables are kept up to date by each load and carry the fingerprints of the definitions and configuration that built them; a database from schema 1 has none, so its next load or refresh rebuilds them in full. Applied migrations are logged.
-- params:
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        VARCHAR NOT NULL,
    applied_at  TIMESTAMP NOT NULL,
    applied_by  VARCHAR NOT NULL
);
DELETE FROM meta WHERE key IN ('derived_definitions', 'derived_config');
