// Ordered delivery: the store's side of the core's ordering (`orderingKeyFor`, and the give-up
// of a failing head that the dispatcher asks the core for). I/O only: the core says which key a
// delivery is ordered by and when a head that keeps failing is given up; SQL keeps what must hold
// under concurrency: one head per key.
//
// Each key has a row (hookline_ordering_keys): the places handed out (`last_seq`) and how many
// of its deliveries are pending. A publish takes the row (an upsert, which waits for any other
// writer of the key) and learns from it whether its delivery is the head (nothing pending
// before it) or is held behind it. Held deliveries are out of the due index, so no claim visits
// them; the statement that ends a head decrements the row and promotes the next held delivery,
// in publish order. On PostgreSQL a publish that commits while that statement runs is not in its
// snapshot: the key's row says a delivery is still pending though none was promoted, and the
// promotion is made again in the same transaction, where it is seen. On D1 every batch is one
// transaction, so a publish and the end of a head never interleave.
//
// On PostgreSQL every writer of several key rows takes them in one order (endpoint id, then key),
// so two writers never wait on each other in a circle (a deadlock fails one of them).
import { orderingKeyFor } from "hookline";

/** The key an event's deliveries to ordered endpoints get: the core checks `orderingKey` too. */
export const keyForOrdered = (orderingKey) => orderingKeyFor(true, orderingKey ?? undefined);

/**
 * PostgreSQL: the events of a publish group and the deliveries of the new ones, in one statement,
 * with each ordered delivery's place in its key ($13: the key, null when unordered). Keys are
 * taken in one order by every writer, so two groups never wait on each other in a circle.
 */
export const INSERT_ORDERED_EVENTS = `WITH ev AS (
   INSERT INTO hookline_events (id, owner, type, body, created_at_ms, traceparent)
   SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $14::text[])
   ON CONFLICT (owner, id) DO NOTHING RETURNING owner, id
 ), d AS (
   SELECT d.* FROM unnest($6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::int[], $12::bigint[], $13::text[]) WITH ORDINALITY
     AS d (id, event_id, endpoint_id, owner, url, secret_version, at, ordering_key, ord)
   WHERE (d.owner, d.event_id) IN (SELECT owner, id FROM ev)
 ), keyed AS (
   INSERT INTO hookline_ordering_keys AS k (endpoint_id, ordering_key, last_seq, pending)
   SELECT endpoint_id, ordering_key, count(*), count(*) FROM d WHERE ordering_key IS NOT NULL
   GROUP BY endpoint_id, ordering_key ORDER BY endpoint_id, ordering_key
   ON CONFLICT (endpoint_id, ordering_key) DO UPDATE SET last_seq = k.last_seq + excluded.last_seq, pending = k.pending + excluded.pending
   RETURNING k.endpoint_id, k.ordering_key, k.last_seq, k.pending
 ), placed AS (
   SELECT d.*, row_number() OVER (PARTITION BY d.endpoint_id, d.ordering_key ORDER BY d.ord) AS r,
     count(*) OVER (PARTITION BY d.endpoint_id, d.ordering_key) AS n
   FROM d
 ), dl AS (
   INSERT INTO hookline_deliveries (id, event_id, endpoint_id, owner, url, secret_version, next_attempt_at_ms, created_at_ms, updated_at_ms, ordering_key, order_seq, held, head_since_ms)
   SELECT p.id, p.event_id, p.endpoint_id, p.owner, p.url, p.secret_version, p.at, p.at, p.at, p.ordering_key, k.last_seq - p.n + p.r,
     CASE WHEN p.ordering_key IS NULL THEN FALSE ELSE k.pending - p.n > 0 OR p.r > 1 END,
     CASE WHEN p.ordering_key IS NULL OR k.pending - p.n > 0 OR p.r > 1 THEN NULL ELSE p.at END
   FROM placed p LEFT JOIN keyed k ON k.endpoint_id = p.endpoint_id AND k.ordering_key = p.ordering_key
   RETURNING 1
 )
 SELECT owner, id FROM ev`;

/**
 * D1: the statements that store one ordered delivery of an event (after the event's insert,
 * guarded by the same `nonce`): its key's row, then the delivery, the head when nothing of its
 * key is pending before it.
 */
export function d1OrderedDelivery(item, [id, endpointId, url, version, key], nonce) {
  const fresh = "EXISTS (SELECT 1 FROM hookline_events WHERE owner = $3 AND id = $4 AND publish_nonce = $5)";
  return [
    [`INSERT INTO hookline_ordering_keys (endpoint_id, ordering_key, last_seq, pending) SELECT $1, $2, 1, 1 WHERE ${fresh}
      ON CONFLICT (endpoint_id, ordering_key) DO UPDATE SET last_seq = last_seq + 1, pending = pending + 1`, [endpointId, key, item.owner, item.id, nonce]],
    [`INSERT INTO hookline_deliveries (id, event_id, endpoint_id, owner, url, secret_version, next_attempt_at_ms, created_at_ms, updated_at_ms, ordering_key, order_seq, held, head_since_ms)
      SELECT $6, $4, $1, $3, $7, $8, $9, $9, $9, $2, k.last_seq, k.pending > 1, CASE WHEN k.pending > 1 THEN NULL ELSE $9 END
      FROM hookline_ordering_keys k WHERE k.endpoint_id = $1 AND k.ordering_key = $2 AND ${fresh}`, [endpointId, key, item.owner, item.id, nonce, id, url, version, item.now]],
  ];
}

/** The SQL that promotes `key`'s next held delivery (its first in publish order) to be its head at `$now`. */
const PROMOTE = (now) => `held = FALSE, head_since_ms = ${now}, next_attempt_at_ms = ${now}, updated_at_ms = ${now}`;

/**
 * PostgreSQL: CTEs to append to the statement that completes attempts, after `moved` (which
 * returns each moved delivery's id, endpoint_id, ordering_key and new state) and `healed` (the
 * endpoints the attempts left disabled): the ended heads' keys decremented and their next
 * deliveries promoted. `now` is the parameter holding the time. See `completedRows`.
 */
export const endedHeadsSql = (now) => `, ended_keys AS (
   SELECT endpoint_id, ordering_key, count(*) AS n FROM moved WHERE state <> 'pending' AND ordering_key IS NOT NULL GROUP BY endpoint_id, ordering_key
 ), keyed AS (
   UPDATE hookline_ordering_keys k SET pending = GREATEST(k.pending - e.n, 0) FROM ended_keys e
   WHERE k.endpoint_id = e.endpoint_id AND k.ordering_key = e.ordering_key
   RETURNING k.endpoint_id, k.ordering_key, k.pending
 ), promoted AS (
   UPDATE hookline_deliveries d SET ${PROMOTE(now)}
   FROM (SELECT DISTINCT ON (h.endpoint_id, h.ordering_key) h.id FROM hookline_deliveries h
         JOIN ended_keys e ON h.endpoint_id = e.endpoint_id AND h.ordering_key = e.ordering_key
         WHERE h.state = 'pending' AND h.held AND h.endpoint_id NOT IN (SELECT id FROM healed WHERE NOT enabled)
         ORDER BY h.endpoint_id, h.ordering_key, h.order_seq) nxt
   WHERE d.id = nxt.id
   RETURNING d.id, d.attempt, d.endpoint_id, d.ordering_key
 )`;

/** PostgreSQL: the rows the completing statement returns: moved ids, promoted deliveries, keys to promote again. */
export const COMPLETED_ROWS = `SELECT 'moved' AS kind, id, NULL::int AS attempt, NULL::text AS endpoint_id, NULL::text AS ordering_key FROM moved
 UNION ALL SELECT 'promoted', id, attempt, endpoint_id, ordering_key FROM promoted
 UNION ALL SELECT 'stranded', NULL, NULL, k.endpoint_id, k.ordering_key FROM keyed k
   WHERE k.pending > 0 AND NOT EXISTS (SELECT 1 FROM promoted p WHERE p.endpoint_id = k.endpoint_id AND p.ordering_key = k.ordering_key)`;

/**
 * PostgreSQL: promote the next held delivery of each `[endpointId, key]` that has no head, run
 * in the completing statement's transaction after it (a new snapshot there sees what a publish
 * committed meanwhile).
 */
export async function promoteStranded(query, keys, now) {
  if (keys.length === 0) return [];
  const { rows } = await query(
    `UPDATE hookline_deliveries d SET ${PROMOTE("$3::bigint")}
     FROM (SELECT DISTINCT ON (h.endpoint_id, h.ordering_key) h.id, h.endpoint_id, h.ordering_key FROM hookline_deliveries h
           JOIN unnest($1::text[], $2::text[]) AS k (endpoint_id, ordering_key) ON h.endpoint_id = k.endpoint_id AND h.ordering_key = k.ordering_key
           WHERE h.state = 'pending' AND h.held ORDER BY h.endpoint_id, h.ordering_key, h.order_seq) nxt
     WHERE d.id = nxt.id AND NOT EXISTS (SELECT 1 FROM hookline_deliveries o
       WHERE o.endpoint_id = nxt.endpoint_id AND o.ordering_key = nxt.ordering_key AND o.state = 'pending' AND NOT o.held)
     RETURNING d.id, d.attempt`,
    [keys.map((k) => k[0]), keys.map((k) => k[1]), now],
  );
  return rows;
}

/**
 * D1: the statements, to run before the one that moves an ordered head on to an end, that
 * decrement its key and promote the next held delivery; both only while claim `$2` still holds
 * delivery `$1` (as the move itself), and no promotion on an endpoint that is disabled now.
 */
export function d1EndedHead(deliveryId, token, now) {
  const holding = "SELECT endpoint_id, ordering_key FROM hookline_deliveries WHERE id = $1 AND state = 'pending' AND claim_token = $2";
  return [
    [`UPDATE hookline_ordering_keys SET pending = max(pending - 1, 0) WHERE (endpoint_id, ordering_key) = (${holding})`, [deliveryId, token]],
    [`UPDATE hookline_deliveries SET ${PROMOTE("$3")}
      WHERE id = (SELECT h.id FROM hookline_deliveries h JOIN hookline_deliveries c ON h.endpoint_id = c.endpoint_id AND h.ordering_key = c.ordering_key
                  JOIN hookline_endpoints e ON e.id = c.endpoint_id AND e.enabled
                  WHERE c.id = $1 AND c.state = 'pending' AND c.claim_token = $2 AND h.state = 'pending' AND h.held ORDER BY h.order_seq LIMIT 1)
      RETURNING id, attempt`, [deliveryId, token, now]],
  ];
}

/**
 * PostgreSQL: the statement that takes the rows of keys `$1` (endpoint ids) and `$2` (keys), in
 * the one order, for the rest of the transaction.
 */
export const LOCK_KEYS = `SELECT 1 FROM hookline_ordering_keys WHERE (endpoint_id, ordering_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))
  ORDER BY endpoint_id, ordering_key FOR UPDATE`;

/**
 * PostgreSQL: an endpoint's key rows (or its one key `key`) taken in the one order, before
 * statements that write them.
 */
const lockKeys = (dialect, endpointId, key = null) =>
  dialect === "sqlite"
    ? []
    : [[`SELECT 1 FROM hookline_ordering_keys WHERE endpoint_id = $1 ${key === null ? "" : "AND ordering_key = $2"} ORDER BY ordering_key FOR UPDATE`, key === null ? [endpointId] : [endpointId, key]]];

/**
 * The statements that make an endpoint's keys (or its one key `key`) whole again after
 * deliveries of theirs ended outside a completion: disabling ended every pending one (held ones
 * too), an owner's cancel one. Each key's count is taken again, and a key with held deliveries
 * and no head gets its next one promoted (returned).
 */
export function repairKeys(dialect, endpointId, now, key = null) {
  const params = key === null ? [endpointId] : [endpointId, key];
  const one = (column) => (key === null ? "" : `AND ${column} = $2`);
  return [
    ...lockKeys(dialect, endpointId, key),
    [`UPDATE hookline_ordering_keys SET pending = (SELECT count(*) FROM hookline_deliveries d
        WHERE d.endpoint_id = hookline_ordering_keys.endpoint_id AND d.ordering_key = hookline_ordering_keys.ordering_key AND d.state = 'pending')
      WHERE endpoint_id = $1 ${one("ordering_key")}`, params],
    [`UPDATE hookline_deliveries SET ${PROMOTE(`$${params.length + 1}`)} WHERE id IN (
        SELECT (SELECT h.id FROM hookline_deliveries h WHERE h.endpoint_id = k.endpoint_id AND h.ordering_key = k.ordering_key AND h.state = 'pending' AND h.held ORDER BY h.order_seq LIMIT 1)
        FROM hookline_ordering_keys k WHERE k.endpoint_id = $1 ${one("k.ordering_key")} AND NOT EXISTS (SELECT 1 FROM hookline_deliveries o
          WHERE o.endpoint_id = k.endpoint_id AND o.ordering_key = k.ordering_key AND o.state = 'pending' AND NOT o.held))
      RETURNING id, attempt`, [...params, now]],
  ];
}

/**
 * The statements that store a redelivery `$3` of delivery `$2` of owner `$1` at `$4`, to an
 * enabled endpoint only, ordered by key `$5` (null: unordered): at the back of its key, the
 * head when nothing of the key is pending. The last statement returns the new delivery.
 */
export function redeliverStatements(dialect, params) {
  const src = `SELECT d.event_id, d.endpoint_id, d.owner, e.url, e.secret_version FROM hookline_deliveries d
    JOIN hookline_endpoints e ON e.id = d.endpoint_id WHERE d.owner = $1 AND d.id = $2 AND e.enabled`;
  const insert = (keyed) => `INSERT INTO hookline_deliveries (id, event_id, endpoint_id, owner, url, secret_version, next_attempt_at_ms, created_at_ms, updated_at_ms, ordering_key, order_seq, held, head_since_ms)
    SELECT CAST($3 AS TEXT), s.event_id, s.endpoint_id, s.owner, s.url, s.secret_version, CAST($4 AS BIGINT), CAST($4 AS BIGINT), CAST($4 AS BIGINT), CAST($5 AS TEXT),
      k.last_seq, COALESCE(k.pending > 1, FALSE), CASE WHEN $5 IS NULL OR k.pending > 1 THEN NULL ELSE CAST($4 AS BIGINT) END
    FROM (${src}) s ${keyed}
    RETURNING id, event_id`;
  const upsert = `INSERT INTO hookline_ordering_keys AS k (endpoint_id, ordering_key, last_seq, pending)
    SELECT s.endpoint_id, CAST($5 AS TEXT), 1, 1 FROM (${src}) s WHERE $5 IS NOT NULL
    ON CONFLICT (endpoint_id, ordering_key) DO UPDATE SET last_seq = k.last_seq + 1, pending = k.pending + 1`;
  if (dialect === "sqlite") {
    return [[upsert, params], [insert("LEFT JOIN hookline_ordering_keys k ON k.endpoint_id = s.endpoint_id AND k.ordering_key = $5"), params]];
  }
  return [[`WITH keyed AS (${upsert} RETURNING k.last_seq, k.pending) ${insert("LEFT JOIN keyed k ON TRUE")}`, params]];
}

/** The statements that drop a deleted endpoint's keys. */
export const dropKeys = (dialect, endpointId) => [...lockKeys(dialect, endpointId), ["DELETE FROM hookline_ordering_keys WHERE endpoint_id = $1", [endpointId]]];

/**
 * Retention: keys with nothing pending hold no order; a later publish starts them again. On
 * PostgreSQL a key another writer holds is left for the next time.
 */
export const pruneKeys = (dialect) =>
  dialect === "sqlite"
    ? ["DELETE FROM hookline_ordering_keys WHERE pending = 0", []]
    : [`DELETE FROM hookline_ordering_keys WHERE (endpoint_id, ordering_key) IN (
         SELECT endpoint_id, ordering_key FROM hookline_ordering_keys WHERE pending = 0 ORDER BY endpoint_id, ordering_key FOR UPDATE SKIP LOCKED)`, []];
