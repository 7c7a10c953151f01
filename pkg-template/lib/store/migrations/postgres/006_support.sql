-- support: the delivery log read by tenant, endpoint, event and time; recoveries (PostgreSQL and PGlite)

-- A tenant's deliveries and events newest first, and an endpoint's deliveries since a time (the
-- support lists and a recovery read these, never the whole table).
CREATE INDEX hookline_deliveries_owner_time ON hookline_deliveries (owner, created_at_ms DESC, id DESC);
CREATE INDEX hookline_deliveries_endpoint_time ON hookline_deliveries (endpoint_id, created_at_ms DESC, id DESC);
CREATE INDEX hookline_events_owner_time ON hookline_events (owner, created_at_ms DESC, id DESC);

-- A recovery sends an ended delivery again once: the new delivery's id is kept on the old one,
-- and a delivery that has one is not sent again by a later recovery.
ALTER TABLE hookline_deliveries ADD COLUMN recovered_by TEXT;
