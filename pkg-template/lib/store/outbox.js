// The outbox: an event and one pending delivery per matching endpoint, stored together before
// any network I/O, in the store's own transaction or in the caller's. I/O only: the core builds
// the envelope (`buildEnvelope`), matches subscriptions (`Matcher`) and makes the ids. Event
// ids are the tenant's own: the same id from two tenants is two events. A delivery to an ordered
// endpoint takes its place in its key (ordering.js).
import { buildEnvelope, eventId, Matcher, traceparent } from "hookline";
import { HooklineError } from "hookline/errors";
import { callerDriver, d1Statement, fromJson, isD1 } from "./driver.js";
import { checkOwner, invalid } from "./endpoints.js";
import { d1OrderedDelivery, INSERT_ORDERED_EVENTS, keyForOrdered } from "./ordering.js";

const ENDPOINTS = "SELECT id, owner, url, event_types, channels, secret_version, ordered FROM hookline_endpoints";
const b64 = (bytes) => btoa(String.fromCharCode(...bytes));

/**
 * The deliveries each item gets from its owner's endpoints `rows`: the core matches (leniently:
 * an endpoint whose stored pattern the core refuses matches nothing, and fails no publish). Each
 * row is `[deliveryId, endpointId, url, secretVersion, key]`, `key` the ordering key of an
 * ordered endpoint's delivery (`item.key`, from the core) or null.
 */
function plan(items, rows) {
  const byOwner = new Map();
  for (const r of rows) {
    const types = fromJson(r.event_types);
    const channels = fromJson(r.channels);
    const sub = { id: r.id, url: r.url, eventTypes: types.length ? types : undefined, channels: channels.length ? channels : undefined, secretVersion: Number(r.secret_version), ordered: Boolean(r.ordered) };
    if (!byOwner.has(r.owner)) byOwner.set(r.owner, []);
    byOwner.get(r.owner).push(sub);
  }
  const matchers = new Map();
  try {
    return items.map((item) => {
      let m = matchers.get(item.owner);
      if (!m) {
        m = new Matcher(byOwner.get(item.owner) ?? [], { lenient: true });
        matchers.set(item.owner, m);
      }
      const matched = m.match({ type: item.type, channels: item.channels });
      const deliveryIds = matched.map(() => eventId("dlv_", { now: item.now }));
      return { deliveryIds, rows: matched.map((sub, i) => [deliveryIds[i], sub.id, sub.url, sub.secretVersion, sub.ordered ? item.key : null]) };
    });
  } finally {
    for (const m of matchers.values()) m.free();
  }
}

/** PostgreSQL: the events of `items` and the deliveries of the new ones, in one statement. */
const INSERT_EVENTS = `WITH ev AS (
   INSERT INTO hookline_events (id, owner, type, body, created_at_ms, traceparent)
   SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $13::text[])
   ON CONFLICT (owner, id) DO NOTHING RETURNING owner, id
 ), dl AS (
   INSERT INTO hookline_deliveries (id, event_id, endpoint_id, owner, url, secret_version, next_attempt_at_ms, created_at_ms, updated_at_ms)
   SELECT d.id, d.event_id, d.endpoint_id, d.owner, d.url, d.secret_version, d.at, d.at, d.at
   FROM unnest($6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::int[], $12::bigint[]) AS d (id, event_id, endpoint_id, owner, url, secret_version, at)
   WHERE (d.owner, d.event_id) IN (SELECT owner, id FROM ev) RETURNING 1
 )
 SELECT owner, id FROM ev`;

function insertParams(items, plans, ordered) {
  const deliveries = items.flatMap((g, i) => plans[i].rows.map(([id, endpointId, url, version, key]) => [id, g.id, endpointId, g.owner, url, version, g.now, key]));
  return [
    ...["id", "owner", "type", "body", "now"].map((k) => items.map((g) => g[k])),
    ...(ordered ? [0, 1, 2, 3, 4, 5, 6, 7] : [0, 1, 2, 3, 4, 5, 6]).map((k) => deliveries.map((d) => d[k])),
    // The publishers' traceparents: $13 in the plain statement, $14 in the ordered one.
    items.map((g) => g.traceparent),
  ];
}

/** A caller's event or options that threw while read (a getter, a Proxy trap, a toJSON): a typed error, the throw as its cause. */
const unreadable = (what, cause) => Object.assign(invalid(`publish: the ${what} could not be read (a getter, a Proxy or a toJSON in it threw)`), { cause });

const keyOf = (owner, id) => `${owner}\n${id}`;

/** PostgreSQL: write `items` through `sql`; each item's result, in order. */
async function writeEvents(sql, items) {
  const owners = [...new Set(items.map((g) => g.owner))];
  const plans = plan(items, await sql.rows(`${ENDPOINTS} WHERE owner = ANY($1::text[]) AND enabled ORDER BY id`, [owners]));
  // Ordered deliveries take places in their keys; without any, the plain statement.
  const ordered = plans.some((p) => p.rows.some((r) => r[4] !== null));
  const inserted = await sql.rows(ordered ? INSERT_ORDERED_EVENTS : INSERT_EVENTS, insertParams(items, plans, ordered));
  const fresh = new Set(inserted.map((r) => keyOf(r.owner, r.id)));
  const repeated = items.filter((g) => !fresh.has(keyOf(g.owner, g.id)));
  const earlier = new Map(repeated.map((g) => [keyOf(g.owner, g.id), []]));
  if (repeated.length) {
    const rows = await sql.rows(
      `SELECT d.id, d.owner, d.event_id FROM hookline_deliveries d JOIN unnest($1::text[], $2::text[]) AS k (owner, id) ON d.owner = k.owner AND d.event_id = k.id ORDER BY d.id`,
      [repeated.map((g) => g.owner), repeated.map((g) => g.id)],
    );
    for (const r of rows) earlier.get(keyOf(r.owner, r.event_id))?.push(r.id);
  }
  return items.map((g, i) => {
    const key = keyOf(g.owner, g.id);
    if (fresh.has(key)) return { eventId: g.id, matched: plans[i].rows.length, deliveryIds: plans[i].deliveryIds, duplicate: false, traceparent: g.traceparent };
    return { eventId: g.id, matched: earlier.get(key).length, deliveryIds: earlier.get(key), duplicate: true, traceparent: null };
  });
}

/** D1 statements for an event and its deliveries, guarded by `nonce` (see publishD1). */
function d1Statements(item, planned, nonce) {
  const out = [["INSERT INTO hookline_events (id, owner, type, body, created_at_ms, publish_nonce, traceparent) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (owner, id) DO NOTHING RETURNING id", [item.id, item.owner, item.type, item.body, item.now, nonce, item.traceparent]]];
  for (const row of planned.rows.filter((r) => r[4] !== null)) out.push(...d1OrderedDelivery(item, row, nonce));
  const unordered = planned.rows.filter((r) => r[4] === null).map((r) => r.slice(0, 4));
  // As few statements as D1's limit of 100 parameters allows.
  for (let at = 0; at < unordered.length; at += 24) {
    const chunk = unordered.slice(at, at + 24);
    const values = chunk.map((_, i) => `($${i * 4 + 5}, $${i * 4 + 6}, $${i * 4 + 7}, $${i * 4 + 8})`).join(", ");
    out.push([
      `INSERT INTO hookline_deliveries (id, event_id, endpoint_id, owner, url, secret_version, next_attempt_at_ms, created_at_ms, updated_at_ms)
       SELECT v.column1, $1, v.column2, $2, v.column3, v.column4, $3, $3, $3 FROM (VALUES ${values}) v
       WHERE EXISTS (SELECT 1 FROM hookline_events WHERE owner = $2 AND id = $1 AND publish_nonce = $4)`,
      [item.id, item.owner, item.now, nonce, ...chunk.flat()],
    ]);
  }
  return out;
}

/**
 * The outbox over the store's driver `sql`, with `clock` (unix ms). `publish(owner, event,
 * { db })` writes through the caller's transaction instead (see Store.publish).
 */
export function outbox({ sql, clock }) {
  const sqlite = sql.dialect === "sqlite";

  /**
   * PostgreSQL's own publishes, written in groups: while one group is being written, the next
   * gathers (at most 256 events; an owner's id already in a group waits for the next), then one
   * read of the owners' endpoints and one statement write them all; each caller learns its own
   * result.
   */
  const grouped = (() => {
    let waiting = [];
    let writing = false;
    async function drain() {
      writing = true;
      while (waiting.length) {
        const group = [];
        const keys = new Set();
        const later = [];
        for (const g of waiting) {
          const key = keyOf(g.item.owner, g.item.id);
          if (group.length < 256 && !keys.has(key)) {
            keys.add(key);
            group.push(g);
          } else later.push(g);
        }
        waiting = later;
        try {
          const results = await writeEvents(sql, group.map((g) => g.item));
          group.forEach((g, i) => g.resolve(results[i]));
        } catch (e) {
          for (const g of group) g.reject(e);
        }
      }
      writing = false;
    }
    return (item) =>
      new Promise((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        // The publishes of this turn of the event loop go together.
        if (!writing) {
          writing = true;
          setTimeout(drain, 0);
        }
      });
  })();

  /** D1: the endpoints are read, then the event and its deliveries as statements. */
  async function d1Publish(rowsOf, item) {
    const [planned] = plan([item], await rowsOf(`${ENDPOINTS} WHERE owner = $1 AND enabled ORDER BY id`, [item.owner]));
    // D1 has no interactive transaction: the deliveries are inserted only where the event row
    // carries this publish's nonce, so a duplicate publish inserts none.
    const nonce = b64(globalThis.crypto.getRandomValues(new Uint8Array(12)));
    return { planned, list: d1Statements(item, planned, nonce) };
  }

  return {
    /**
     * Store an event and one pending delivery per matching enabled endpoint of `owner`, at once,
     * before any network I/O: `{ eventId, matched, deliveryIds, duplicate }`. The same `id`
     * twice from one owner is one event. `options.db`: the caller's transaction (a pg client
     * inside BEGIN or a PGlite transaction) runs the statements, so the event is stored (and
     * sent) only if that transaction commits; on D1, the caller's D1 database: the statements
     * are returned (`statements`) for the caller's own `batch`, and nothing is written here.
     * `event.orderingKey` (optional): its deliveries to ordered endpoints go in order per key
     * instead of per endpoint; it is not part of the envelope.
     */
    async publish(owner, event, options = {}) {
      checkOwner(owner);
      if (options === null || typeof options !== "object") throw invalid("publish: options must be an object, such as { db }");
      const now = clock();
      // `orderingKey` is the sender's, not the envelope's: the core checks it and says the key.
      const plain = event !== null && typeof event === "object" && !Array.isArray(event);
      let orderingKey, fields, db, given;
      try {
        ({ orderingKey, ...fields } = plain ? event : {});
      } catch (e) {
        throw unreadable("event", e);
      }
      try {
        ({ db, traceparent: given } = options);
      } catch (e) {
        throw unreadable("options", e);
      }
      const key = keyForOrdered(orderingKey);
      // The core builds the envelope (a given `id` kept, else a new one) and checks the event.
      let envelope;
      try {
        envelope = buildEnvelope(plain ? fields : event, { now });
      } catch (e) {
        // The core's own refusals pass (a SenderError, or a TypeError with a code for a value of
        // the wrong type); anything else was thrown by the caller's object while it was read.
        throw e instanceof HooklineError || (e instanceof TypeError && typeof e?.code === "string") ? e : unreadable("event", e);
      }
      const item = { owner, now, key, id: envelope.id, type: envelope.type, channels: envelope.channels ?? [], body: new TextDecoder().decode(envelope.body), traceparent: traceparent(given) };
      if (db !== undefined && db !== null) {
        if (isD1(db)) {
          const { planned, list } = await d1Publish(sql.rows, item);
          return { eventId: item.id, matched: planned.rows.length, deliveryIds: planned.deliveryIds, duplicate: null, traceparent: item.traceparent, statements: list.map((s) => d1Statement(db, s)) };
        }
        return (await writeEvents(callerDriver(db), [item]))[0];
      }
      if (!sqlite) return grouped(item);
      const { planned, list } = await d1Publish(sql.rows, item);
      const [inserted] = await sql.batch(list);
      if (inserted.length === 1) return { eventId: item.id, matched: planned.rows.length, deliveryIds: planned.deliveryIds, duplicate: false, traceparent: item.traceparent };
      const rows = await sql.rows("SELECT id FROM hookline_deliveries WHERE owner = $1 AND event_id = $2 ORDER BY id", [owner, item.id]);
      return { eventId: item.id, matched: rows.length, deliveryIds: rows.map((r) => r.id), duplicate: true, traceparent: null };
    },
  };
}
