-- endpoint registry (PostgreSQL and PGlite)
CREATE TABLE hookline_owners (
  owner          TEXT    PRIMARY KEY,
  endpoint_count INTEGER NOT NULL DEFAULT 0 CHECK (endpoint_count >= 0)
);
CREATE TABLE hookline_endpoints (
  id                  TEXT    PRIMARY KEY,
  owner               TEXT    NOT NULL REFERENCES hookline_owners (owner),
  url                 TEXT    NOT NULL,
  description         TEXT    NOT NULL DEFAULT '',
  event_types         JSONB   NOT NULL DEFAULT '[]',
  channels            JSONB   NOT NULL DEFAULT '[]',
  enabled             BOOLEAN NOT NULL DEFAULT TRUE,
  secret_version      INTEGER NOT NULL,
  secret_sealed       TEXT    NOT NULL,
  previous_sealed     TEXT,
  previous_until_ms   BIGINT,
  health              JSONB   NOT NULL DEFAULT '{}',
  created_at_ms       BIGINT  NOT NULL,
  updated_at_ms       BIGINT  NOT NULL
);
-- an owner's endpoints in id order: the keyset the list cursor walks
CREATE INDEX hookline_endpoints_owner_id ON hookline_endpoints (owner, id);
