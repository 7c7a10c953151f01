-- outbox and delivery log (Cloudflare D1: SQLite)
CREATE TABLE hookline_events (
  id            TEXT    PRIMARY KEY,
  owner         TEXT    NOT NULL,
  type          TEXT    NOT NULL,
  body          TEXT    NOT NULL,
  created_at_ms INTEGER NOT NULL,
  publish_nonce TEXT
);
CREATE TABLE hookline_deliveries (
  id                 TEXT    PRIMARY KEY,
  event_id           TEXT    NOT NULL REFERENCES hookline_events (id),
  endpoint_id        TEXT    NOT NULL,
  owner              TEXT    NOT NULL,
  url                TEXT    NOT NULL,
  secret_version     INTEGER NOT NULL,
  state              TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempt            INTEGER NOT NULL DEFAULT 1,
  next_attempt_at_ms INTEGER NOT NULL,
  lease_until_ms     INTEGER,
  created_at_ms      INTEGER NOT NULL,
  updated_at_ms      INTEGER NOT NULL
);
CREATE INDEX hookline_deliveries_due ON hookline_deliveries (next_attempt_at_ms) WHERE state = 'pending';
CREATE INDEX hookline_deliveries_event ON hookline_deliveries (event_id);
CREATE TABLE hookline_attempts (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id     TEXT    NOT NULL REFERENCES hookline_deliveries (id),
  endpoint_id     TEXT    NOT NULL,
  attempt         INTEGER NOT NULL,
  attempted_at_ms INTEGER NOT NULL,
  outcome         TEXT    NOT NULL,
  status          INTEGER,
  record          TEXT    NOT NULL
);
CREATE INDEX hookline_attempts_endpoint_time ON hookline_attempts (endpoint_id, attempted_at_ms DESC, seq DESC);
CREATE INDEX hookline_attempts_delivery ON hookline_attempts (delivery_id, seq);
