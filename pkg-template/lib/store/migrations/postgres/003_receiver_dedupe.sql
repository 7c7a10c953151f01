-- receiver dedupe (PostgreSQL and PGlite)
CREATE TABLE hookline_dedupe (
  key           TEXT   PRIMARY KEY,
  expires_at_ms BIGINT NOT NULL
);
CREATE INDEX hookline_dedupe_expiry ON hookline_dedupe (expires_at_ms);
