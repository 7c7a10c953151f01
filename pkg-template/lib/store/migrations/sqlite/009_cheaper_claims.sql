-- cheaper claims (D1): a claim writes no index entry (the attempts in flight of an endpoint are
-- read through its pending deliveries)
DROP INDEX hookline_deliveries_endpoint_claimed;
