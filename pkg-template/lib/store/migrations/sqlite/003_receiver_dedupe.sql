-- receiver dedupe (Cloudflare D1: SQLite)
CREATE TABLE hookline_dedupe (
  key           TEXT    PRIMARY KEY,
  expires_at_ms INTEGER NOT NULL
);
CREATE INDEX hookline_dedupe_expiry ON hookline_dedupe (expires_at_ms);
