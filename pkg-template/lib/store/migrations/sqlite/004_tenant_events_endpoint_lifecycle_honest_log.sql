-- tenant-scoped events, one endpoint state, an honest attempt log (Cloudflare D1: SQLite)
-- SQLite cannot change a primary key, a foreign key or a CHECK in place: the three log tables
-- are made again and their rows copied (children dropped first, so no foreign key is broken).

-- An event id is its tenant's own: the same id from two tenants is two events.
CREATE TABLE hookline_events_v4 (
  id            TEXT    NOT NULL,
  owner         TEXT    NOT NULL,
  type          TEXT    NOT NULL,
  body          TEXT    NOT NULL,
  created_at_ms INTEGER NOT NULL,
  publish_nonce TEXT,
  PRIMARY KEY (owner, id)
);
INSERT INTO hookline_events_v4 (id, owner, type, body, created_at_ms, publish_nonce) SELECT id, owner, type, body, created_at_ms, publish_nonce FROM hookline_events;

-- A delivery can end unsent (cancelled) and keeps why it ended; only the claim that holds it
-- (its token) moves it on. The attempt in flight is written on it by its claim (when it
-- started), and a claim that was never recorded leaves its token and start for the lost record.
CREATE TABLE hookline_deliveries_v4 (
  id                 TEXT    PRIMARY KEY,
  event_id           TEXT    NOT NULL,
  endpoint_id        TEXT    NOT NULL,
  owner              TEXT    NOT NULL,
  url                TEXT    NOT NULL,
  secret_version     INTEGER NOT NULL,
  state              TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed', 'cancelled')),
  attempt            INTEGER NOT NULL DEFAULT 1,
  next_attempt_at_ms INTEGER NOT NULL,
  lease_until_ms     INTEGER,
  claim_token        TEXT,
  claimed_at_ms      INTEGER,
  lost_token         TEXT,
  lost_at_ms         INTEGER,
  ended_reason       TEXT,
  created_at_ms      INTEGER NOT NULL,
  updated_at_ms      INTEGER NOT NULL,
  FOREIGN KEY (owner, event_id) REFERENCES hookline_events_v4 (owner, id)
);
INSERT INTO hookline_deliveries_v4 (id, event_id, endpoint_id, owner, url, secret_version, state, attempt, next_attempt_at_ms, lease_until_ms, created_at_ms, updated_at_ms) SELECT id, event_id, endpoint_id, owner, url, secret_version, state, attempt, next_attempt_at_ms, lease_until_ms, created_at_ms, updated_at_ms FROM hookline_deliveries;

CREATE TABLE hookline_attempts_v4 (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id     TEXT    NOT NULL REFERENCES hookline_deliveries_v4 (id),
  endpoint_id     TEXT    NOT NULL,
  attempt         INTEGER NOT NULL,
  attempted_at_ms INTEGER NOT NULL,
  outcome         TEXT    NOT NULL,
  status          INTEGER,
  record          TEXT    NOT NULL,
  claim_token     TEXT
);
INSERT INTO hookline_attempts_v4 (seq, delivery_id, endpoint_id, attempt, attempted_at_ms, outcome, status, record) SELECT seq, delivery_id, endpoint_id, attempt, attempted_at_ms, outcome, status, record FROM hookline_attempts;

DROP TABLE hookline_attempts;
DROP TABLE hookline_deliveries;
DROP TABLE hookline_events;
ALTER TABLE hookline_events_v4 RENAME TO hookline_events;
ALTER TABLE hookline_deliveries_v4 RENAME TO hookline_deliveries;
ALTER TABLE hookline_attempts_v4 RENAME TO hookline_attempts;

-- what is due: pending deliveries by time (the worker never scans the whole table)
CREATE INDEX hookline_deliveries_due ON hookline_deliveries (next_attempt_at_ms) WHERE state = 'pending';
CREATE INDEX hookline_deliveries_event ON hookline_deliveries (owner, event_id);
-- an endpoint's pending deliveries, ended at once when it is deleted or disabled
CREATE INDEX hookline_deliveries_endpoint_pending ON hookline_deliveries (endpoint_id) WHERE state = 'pending';
CREATE INDEX hookline_attempts_endpoint_time ON hookline_attempts (endpoint_id, attempted_at_ms DESC, seq DESC);
CREATE INDEX hookline_attempts_delivery ON hookline_attempts (delivery_id, seq);
-- one record per attempt, named by its delivery and its claim's token
CREATE UNIQUE INDEX hookline_attempts_claim ON hookline_attempts (delivery_id, claim_token);
-- an endpoint's attempts in flight, for its log
CREATE INDEX hookline_deliveries_endpoint_claimed ON hookline_deliveries (endpoint_id, claimed_at_ms) WHERE lease_until_ms IS NOT NULL;
-- the deliveries one claim holds (its token), read back within the claim's own batch
CREATE INDEX hookline_deliveries_claim ON hookline_deliveries (claim_token) WHERE claim_token IS NOT NULL;

-- An owner's change that renews an endpoint raises its revision.
ALTER TABLE hookline_endpoints ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
-- One state, kept in the health: an endpoint its owner switched off is disabled ("manual"),
-- and one the sender disabled is not matched to new events.
UPDATE hookline_endpoints SET health = json_set(health, '$.state', 'disabled', '$.disabledReason', 'manual', '$.disabledAtMs', updated_at_ms) WHERE enabled = 0 AND COALESCE(json_extract(health, '$.state'), '') <> 'disabled';
UPDATE hookline_endpoints SET enabled = 0 WHERE json_extract(health, '$.state') = 'disabled';
