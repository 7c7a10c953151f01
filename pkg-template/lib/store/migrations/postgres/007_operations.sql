-- operations: trace context on events (PostgreSQL and PGlite)

-- The W3C traceparent a publisher sent with an event (its version-00 form, checked by the core),
-- so each of its delivery attempts carries a child of it.
ALTER TABLE hookline_events ADD COLUMN traceparent TEXT;

-- Operational events (endpoint.failing, endpoint.disabled, endpoint.enabled, endpoint.recovered)
-- are events of the reserved owner "~operator" (no API tenant can be named so), each with an
-- id naming the endpoint, its revision and what the event is about: the primary key (owner, id)
-- keeps one of each, whichever of several workers reports it, and the operator's endpoint
-- (id "op_operator") gets them through the same outbox and worker as any delivery.
