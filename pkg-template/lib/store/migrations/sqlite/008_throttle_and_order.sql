-- throttled and ordered delivery (Cloudflare D1: SQLite)

-- An endpoint's rate limit (deliveries per second, how many may start at once from rest; NULL:
-- none), its token bucket (the core's state, compared and swapped by the claims that take from
-- it), and whether its deliveries go one at a time in publish order.
ALTER TABLE hookline_endpoints ADD COLUMN rate_limit REAL;
ALTER TABLE hookline_endpoints ADD COLUMN rate_limit_burst INTEGER;
ALTER TABLE hookline_endpoints ADD COLUMN throttle TEXT NOT NULL DEFAULT '{}';
ALTER TABLE hookline_endpoints ADD COLUMN ordered INTEGER NOT NULL DEFAULT 0;

-- A delivery its endpoint's bucket told to wait keeps its place: when it was given.
ALTER TABLE hookline_deliveries ADD COLUMN reserved_at_ms INTEGER;
-- An ordered delivery: its key, its place in the key, whether it is held behind its key's head
-- (out of the due index until the head ends), and since when it is the head.
ALTER TABLE hookline_deliveries ADD COLUMN ordering_key TEXT;
ALTER TABLE hookline_deliveries ADD COLUMN order_seq INTEGER;
ALTER TABLE hookline_deliveries ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
ALTER TABLE hookline_deliveries ADD COLUMN head_since_ms INTEGER;

-- what is due: pending deliveries by time, without the ones held behind their key's head
DROP INDEX hookline_deliveries_due;
CREATE INDEX hookline_deliveries_due ON hookline_deliveries (next_attempt_at_ms) WHERE state = 'pending' AND NOT held;
-- a key's held deliveries in publish order: the next head, found when the one before ends
CREATE INDEX hookline_deliveries_held ON hookline_deliveries (endpoint_id, ordering_key, order_seq) WHERE state = 'pending' AND held;

-- One row per ordering key: the places handed out and how many of its deliveries are pending.
-- A D1 batch is one transaction: a publish and the end of the key's head never interleave.
CREATE TABLE hookline_ordering_keys (
  endpoint_id  TEXT    NOT NULL,
  ordering_key TEXT    NOT NULL,
  last_seq     INTEGER NOT NULL,
  pending      INTEGER NOT NULL,
  PRIMARY KEY (endpoint_id, ordering_key)
);
