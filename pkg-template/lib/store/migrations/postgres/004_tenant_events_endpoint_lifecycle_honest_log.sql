-- tenant-scoped events, one endpoint state, an honest attempt log (PostgreSQL and PGlite)

-- An event id is its tenant's own: the same id from two tenants is two events.
ALTER TABLE hookline_deliveries DROP CONSTRAINT hookline_deliveries_event_id_fkey;
ALTER TABLE hookline_events DROP CONSTRAINT hookline_events_pkey;
ALTER TABLE hookline_events ADD PRIMARY KEY (owner, id);
ALTER TABLE hookline_deliveries ADD CONSTRAINT hookline_deliveries_event_fkey FOREIGN KEY (owner, event_id) REFERENCES hookline_events (owner, id);
DROP INDEX hookline_deliveries_event;
CREATE INDEX hookline_deliveries_event ON hookline_deliveries (owner, event_id);

-- A delivery can end unsent (cancelled: its endpoint was deleted or disabled) and keeps why it
-- ended; only the claim that holds it (its token) moves it on.
ALTER TABLE hookline_deliveries DROP CONSTRAINT hookline_deliveries_state_check;
ALTER TABLE hookline_deliveries ADD CONSTRAINT hookline_deliveries_state_check CHECK (state IN ('pending', 'delivered', 'failed', 'cancelled'));
ALTER TABLE hookline_deliveries ADD COLUMN ended_reason TEXT;
ALTER TABLE hookline_deliveries ADD COLUMN claim_token TEXT;
-- The attempt in flight is written on its delivery by the claim, before its request can go out:
-- when it started; and, when the claim before it was never recorded (its worker stopped), that
-- claim's token and start, for the record of the lost attempt.
ALTER TABLE hookline_deliveries ADD COLUMN claimed_at_ms BIGINT;
ALTER TABLE hookline_deliveries ADD COLUMN lost_token TEXT;
ALTER TABLE hookline_deliveries ADD COLUMN lost_at_ms BIGINT;
-- an endpoint's pending deliveries, ended at once when it is deleted or disabled
CREATE INDEX hookline_deliveries_endpoint_pending ON hookline_deliveries (endpoint_id) WHERE state = 'pending';

-- An owner's change that renews an endpoint (enabled again, a new URL) raises its revision, so
-- attempts begun before it cannot write their health over the new one.
ALTER TABLE hookline_endpoints ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
-- One state, kept in the health: an endpoint its owner switched off is disabled ("manual"),
-- and one the sender disabled is not matched to new events.
UPDATE hookline_endpoints SET health = health || jsonb_build_object('state', 'disabled', 'disabledReason', 'manual', 'disabledAtMs', updated_at_ms) WHERE NOT enabled AND COALESCE(health ->> 'state', '') <> 'disabled';
UPDATE hookline_endpoints SET enabled = FALSE WHERE health ->> 'state' = 'disabled';

-- One record per attempt: its delivery and its claim's token name it, so a lost attempt recorded as unknown is
-- replaced, not doubled, should its own worker's record come after all.
ALTER TABLE hookline_attempts ADD COLUMN claim_token TEXT;
CREATE UNIQUE INDEX hookline_attempts_claim ON hookline_attempts (delivery_id, claim_token);
-- an endpoint's attempts in flight, for its log
CREATE INDEX hookline_deliveries_endpoint_claimed ON hookline_deliveries (endpoint_id, claimed_at_ms) WHERE lease_until_ms IS NOT NULL;
