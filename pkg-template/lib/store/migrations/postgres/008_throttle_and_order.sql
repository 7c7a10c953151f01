-- throttled and ordered delivery (PostgreSQL and PGlite)

-- An endpoint's rate limit (deliveries per second, how many may start at once from rest; NULL:
-- none), its token bucket (the core's state, compared and swapped by the claims that take from
-- it), and whether its deliveries go one at a time in publish order.
ALTER TABLE hookline_endpoints ADD COLUMN rate_limit DOUBLE PRECISION;
ALTER TABLE hookline_endpoints ADD COLUMN rate_limit_burst INTEGER;
ALTER TABLE hookline_endpoints ADD COLUMN throttle JSONB NOT NULL DEFAULT '{}';
ALTER TABLE hookline_endpoints ADD COLUMN ordered BOOLEAN NOT NULL DEFAULT FALSE;

-- A delivery its endpoint's bucket told to wait keeps its place: when it was given.
ALTER TABLE hookline_deliveries ADD COLUMN reserved_at_ms BIGINT;
-- An ordered delivery: its key, its place in the key, whether it is held behind its key's head
-- (out of the due index until the head ends), and since when it is the head.
ALTER TABLE hookline_deliveries ADD COLUMN ordering_key TEXT;
ALTER TABLE hookline_deliveries ADD COLUMN order_seq BIGINT;
ALTER TABLE hookline_deliveries ADD COLUMN held BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE hookline_deliveries ADD COLUMN head_since_ms BIGINT;

-- what is due: pending deliveries by time, without the ones held behind their key's head (a
-- claim never visits them)
DROP INDEX hookline_deliveries_due;
CREATE INDEX hookline_deliveries_due ON hookline_deliveries (next_attempt_at_ms) WHERE state = 'pending' AND NOT held;
-- a key's held deliveries in publish order: the next head, found when the one before ends
CREATE INDEX hookline_deliveries_held ON hookline_deliveries (endpoint_id, ordering_key, order_seq) WHERE state = 'pending' AND held;

-- One row per ordering key: the places handed out and how many of its deliveries are pending.
-- Its row lock orders a publish against the end of the key's head, so a new delivery is the
-- head or held behind it, never both nor neither.
CREATE TABLE hookline_ordering_keys (
  endpoint_id  TEXT    NOT NULL,
  ordering_key TEXT    NOT NULL,
  last_seq     BIGINT  NOT NULL,
  pending      INTEGER NOT NULL,
  PRIMARY KEY (endpoint_id, ordering_key)
);
