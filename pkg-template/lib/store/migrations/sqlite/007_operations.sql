-- operations: trace context on events (Cloudflare D1: SQLite)

-- The W3C traceparent a publisher sent with an event (its version-00 form, checked by the core),
-- so each of its delivery attempts carries a child of it.
ALTER TABLE hookline_events ADD COLUMN traceparent TEXT;

-- Operational events are events of the reserved owner "~operator", one per id (the primary key
-- (owner, id)); see the PostgreSQL migration.
