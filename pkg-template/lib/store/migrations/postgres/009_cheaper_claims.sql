-- cheaper claims (PostgreSQL and PGlite)

-- A claim writes only columns no index holds (the lease, the claim's token and time, the lost
-- claim's), so PostgreSQL can update the row in place (a HOT update: no index entry written) when
-- its page has room: the index of claims per endpoint goes (the attempts in flight of an endpoint
-- are read through its pending deliveries), and pages keep a third free for such updates.
DROP INDEX hookline_deliveries_endpoint_claimed;
ALTER TABLE hookline_deliveries SET (fillfactor = 70);
