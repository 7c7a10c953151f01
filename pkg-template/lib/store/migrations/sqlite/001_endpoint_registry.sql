-- endpoint registry (Cloudflare D1: SQLite)
CREATE TABLE hookline_endpoints (
  id                  TEXT    PRIMARY KEY,
  owner               TEXT    NOT NULL,
  url                 TEXT    NOT NULL,
  description         TEXT    NOT NULL DEFAULT '',
  event_types         TEXT    NOT NULL DEFAULT '[]',
  channels            TEXT    NOT NULL DEFAULT '[]',
  enabled             INTEGER NOT NULL DEFAULT 1,
  secret_version      INTEGER NOT NULL,
  secret_sealed       TEXT    NOT NULL,
  previous_sealed     TEXT,
  previous_until_ms   INTEGER,
  health              TEXT    NOT NULL DEFAULT '{}',
  created_at_ms       INTEGER NOT NULL,
  updated_at_ms       INTEGER NOT NULL
);
CREATE INDEX hookline_endpoints_owner_id ON hookline_endpoints (owner, id);
