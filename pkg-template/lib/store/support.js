// Support: what support staff read of the delivery log (an endpoint's attempts, a tenant's
// deliveries and events, an event with its payload and deliveries) and what they may do to it
// (cancel a pending delivery, send an endpoint's failed deliveries again). I/O only: the core
// reads the filters (`supportQuery`: which parameters, which values, what a status word
// means), decides what cancelling does (`cancelDelivery`) and which deliveries a recovery sends
// again, how many at most (`recoveryPlan`). SQL keeps what must hold under concurrency: a
// delivery is cancelled only while pending, and sent again by a recovery at most once (the new
// delivery's id is kept on the old one, under the old row's lock).
import { cancelDelivery, eventId, recoveryPlan, supportQuery } from "hookline";
import { SenderError } from "hookline/errors";
import { fromJson, listSql } from "./driver.js";
import { checkOwner, invalid, notFound, plausibleId } from "./endpoints.js";
import { repairKeys } from "./ordering.js";

/** The deliveries of one event an event's view shows; more are read with `listDeliveries`. */
const EVENT_DELIVERIES = 100;

/**
 * A store method's options as the query parameters the core reads, so the library and the API
 * accept the same things: undefined and null are left out, a Date is its unix ms; URLSearchParams
 * are read as they are.
 */
function paramsOf(options) {
  if (options === undefined || options === null) return [];
  // A request's query as it came (the API's): every pair, repeated names included.
  if (options instanceof URLSearchParams) return [...options];
  if (typeof options !== "object" || Array.isArray(options)) throw invalid("options must be an object of filters");
  return Object.entries(options)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => [k, v instanceof Date ? String(v.getTime()) : String(v)]);
}

const num = (v) => (v === null || v === undefined ? null : Number(v));
const b64url = (text) => btoa(String.fromCharCode(...new TextEncoder().encode(text))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
function unb64url(text) {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

/** A keyset cursor `<tag><ms>.<base64url id>` for newest-first lists ordered by time, then id. */
const cursorOf = (tag, ms, id) => `${tag}${ms}.${b64url(id)}`;
function readCursor(tag, cursor) {
  if (cursor === null) return null;
  const m = new RegExp(`^${tag}(\\d{1,15})\\.([A-Za-z0-9_-]{1,342})$`).exec(cursor);
  const id = m ? unb64url(m[2]) : null;
  if (!m || !plausibleId(id)) throw invalid("cursor is not one this store gave");
  return [Number(m[1]), id];
}

/** A delivery as support reads it (never a secret): its state, why it ended, its event's type. */
export function deliveryView(d) {
  return {
    id: d.id,
    eventId: d.event_id,
    eventType: d.type ?? null,
    endpointId: d.endpoint_id,
    state: d.state,
    endedReason: d.ended_reason ?? null,
    attempt: Number(d.attempt),
    nextAttemptAtMs: Number(d.next_attempt_at_ms),
    createdAtMs: Number(d.created_at_ms),
    updatedAtMs: Number(d.updated_at_ms),
    recoveredBy: d.recovered_by ?? null,
  };
}

/**
 * The attempt a delivery row says is going out now (its claim, with the lease running at `now`),
 * as the log shows it (`outcome: "started"`) until its record is written; or null.
 */
export function inFlightOf(d, now) {
  if (d.state !== "pending" || d.lease_until_ms === null || d.lease_until_ms === undefined || Number(d.lease_until_ms) <= now) return null;
  return {
    deliveryId: d.id,
    eventId: d.event_id,
    endpointId: d.endpoint_id,
    attempt: Number(d.attempt),
    attemptedAtMs: Number(d.claimed_at_ms ?? d.updated_at_ms),
    leaseUntilMs: Number(d.lease_until_ms),
    outcome: "started",
  };
}

/** The columns `deliveryView` reads (and the lease a cancel looks at), from deliveries `d` joined to their events `e`. */
export const DELIVERY_COLUMNS =
  "d.id, d.event_id, e.type, d.endpoint_id, d.state, d.ended_reason, d.attempt, d.next_attempt_at_ms, d.created_at_ms, d.updated_at_ms, d.recovered_by, d.lease_until_ms, d.ordering_key";
const DELIVERIES = `SELECT ${DELIVERY_COLUMNS} FROM hookline_deliveries d JOIN hookline_events e ON e.owner = d.owner AND e.id = d.event_id`;

/** Support over driver `sql`, with `clock` (unix ms) and the endpoint `registry`. */
export function supportLog({ sql, clock, registry }) {
  const sqlite = sql.dialect === "sqlite";
  const { inList, listParam } = listSql(sql.dialect);

  /** A WHERE clause built with its parameters, numbered as they are added. */
  function conditions(params) {
    const list = [];
    const arg = (v) => (params.push(v), `$${params.length}`);
    return {
      list,
      arg,
      add: (text) => list.push(text),
      oneOf: (column, values) => list.push(inList(column, (params.push(listParam(values)), params.length))),
      time: (column, q) => {
        if (q.sinceMs !== null) list.push(`${column} >= ${arg(q.sinceMs)}`);
        if (q.untilMs !== null) list.push(`${column} < ${arg(q.untilMs)}`);
      },
      /** Newest first from the cursor's place: older times, or the same time and a smaller key. */
      before: (timeColumn, keyColumn, [ms, key]) => list.push(`(${timeColumn} < ${arg(ms)} OR (${timeColumn} = $${params.length} AND ${keyColumn} < ${arg(key)}))`),
    };
  }

  /** A page of `rows` (read with one more than `limit`) and the cursor to the next, or null. */
  const paged = (rows, limit, view, cursor) => {
    const page = rows.slice(0, limit);
    return { data: page.map(view), nextCursor: rows.length > limit ? cursor(page.at(-1)) : null };
  };

  async function deliveryOf(owner, id) {
    const rows = await sql.rows(`${DELIVERIES} WHERE d.owner = $1 AND d.id = $2`, [owner, id]);
    if (rows.length === 0) throw notFound(`delivery ${id}`);
    return rows[0];
  }

  return {
    /**
     * An endpoint's attempt records, newest first, a page at a time: `{ data, inFlight,
     * nextCursor }`. Filters (the core reads them): `status` (delivered, failed, skipped,
     * pending, unknown, cancelled), `statusClass` (1xx to 5xx, none), `since` and `until` (unix
     * ms, a Date or an RFC 3339 time), `limit` (1 to 100, default 20), `cursor`. Attempts
     * appended meanwhile never shift a page. An attempt going out now has no record yet: its
     * claim is on its delivery, and the first page lists such attempts in `inFlight` (newest
     * first, at most `limit`); `status=pending` lists them as the data.
     */
    async listAttempts(owner, endpointId, options) {
      const q = supportQuery("attempts", paramsOf(options));
      await registry.getEndpoint(owner, endpointId);
      const now = clock();
      const flying = async () => {
        const params = [endpointId, now];
        const w = conditions(params);
        w.add("endpoint_id = $1 AND state = 'pending' AND lease_until_ms > $2");
        w.time("COALESCE(claimed_at_ms, updated_at_ms)", q);
        const rows = await sql.rows(`SELECT * FROM hookline_deliveries WHERE ${w.list.join(" AND ")} ORDER BY claimed_at_ms DESC LIMIT ${w.arg(q.limit)}`, params);
        return rows.map((d) => inFlightOf(d, now)).filter(Boolean);
      };
      // Pending attempts are the ones in flight: they live on their deliveries, not in the log.
      if (q.outcomes && q.outcomes.length === 1 && q.outcomes[0] === "started") {
        // (an attempt in flight has no status yet: only `none` can match it)
        const open = q.cursor === null && (!q.statusClass || q.statusClass === "none");
        return { data: open ? await flying() : [], inFlight: [], nextCursor: null };
      }
      let before = null;
      if (q.cursor !== null) {
        const m = /^a(\d{1,15})\.(\d{1,15})$/.exec(q.cursor);
        if (!m) throw invalid("cursor is not one this store gave");
        before = [Number(m[1]), Number(m[2])];
      }
      const params = [endpointId];
      const w = conditions(params);
      w.add("endpoint_id = $1");
      if (q.outcomes) w.oneOf("outcome", q.outcomes);
      if (q.statusClass === "none") w.add("status IS NULL");
      else if (q.statusClass) w.add(`status BETWEEN ${w.arg(q.statusClass.range[0])} AND ${w.arg(q.statusClass.range[1])}`);
      w.time("attempted_at_ms", q);
      if (before) w.before("attempted_at_ms", "seq", before);
      const rows = await sql.rows(
        `SELECT seq, attempted_at_ms, record FROM hookline_attempts WHERE ${w.list.join(" AND ")} ORDER BY attempted_at_ms DESC, seq DESC LIMIT ${w.arg(q.limit + 1)}`,
        params,
      );
      const page = paged(rows, q.limit, (r) => fromJson(r.record), (r) => `a${r.attempted_at_ms}.${r.seq}`);
      return { data: page.data, inFlight: q.cursor === null && !q.outcomes && !q.statusClass ? await flying() : [], nextCursor: page.nextCursor };
    },

    /**
     * A tenant's deliveries, newest first: `{ data, nextCursor }`. Filters: `endpoint`, `event`,
     * `status` (the state: pending, delivered, failed, cancelled), `since`/`until` (when it was
     * created), `limit`, `cursor`.
     */
    async listDeliveries(owner, options) {
      checkOwner(owner);
      const q = supportQuery("deliveries", paramsOf(options));
      const before = readCursor("d", q.cursor);
      const params = [owner];
      const w = conditions(params);
      w.add("d.owner = $1");
      if (q.endpoint !== null) w.add(`d.endpoint_id = ${w.arg(q.endpoint)}`);
      if (q.event !== null) w.add(`d.event_id = ${w.arg(q.event)}`);
      if (q.states) w.oneOf("d.state", q.states);
      w.time("d.created_at_ms", q);
      if (before) w.before("d.created_at_ms", "d.id", before);
      const rows = await sql.rows(`${DELIVERIES} WHERE ${w.list.join(" AND ")} ORDER BY d.created_at_ms DESC, d.id DESC LIMIT ${w.arg(q.limit + 1)}`, params);
      return paged(rows, q.limit, deliveryView, (r) => cursorOf("d", r.created_at_ms, r.id));
    },

    /** A tenant's events, newest first, without their payloads: `{ data, nextCursor }`. Filters: `type`, `since`/`until`, `limit`, `cursor`. */
    async listEvents(owner, options) {
      checkOwner(owner);
      const q = supportQuery("events", paramsOf(options));
      const before = readCursor("e", q.cursor);
      const params = [owner];
      const w = conditions(params);
      w.add("owner = $1");
      if (q.type !== null) w.add(`type = ${w.arg(q.type)}`);
      w.time("created_at_ms", q);
      if (before) w.before("created_at_ms", "id", before);
      const rows = await sql.rows(`SELECT id, type, created_at_ms FROM hookline_events WHERE ${w.list.join(" AND ")} ORDER BY created_at_ms DESC, id DESC LIMIT ${w.arg(q.limit + 1)}`, params);
      return paged(rows, q.limit, (r) => ({ id: r.id, type: r.type, createdAtMs: Number(r.created_at_ms) }), (r) => cursorOf("e", r.created_at_ms, r.id));
    },

    /**
     * One event of the tenant's: `{ id, type, createdAtMs, payload, deliveries, moreDeliveries }`:
     * the payload as it was signed and sent, and its first 100 deliveries in creation order
     * (`moreDeliveries`: there are more, read them with `listDeliveries({ event })`).
     */
    async getEvent(owner, id) {
      checkOwner(owner);
      if (!plausibleId(id)) throw notFound("event");
      const [events, deliveries] = await sql.batch([
        ["SELECT id, type, body, created_at_ms FROM hookline_events WHERE owner = $1 AND id = $2", [owner, id]],
        [`${DELIVERIES} WHERE d.owner = $1 AND d.event_id = $2 ORDER BY d.created_at_ms, d.id LIMIT $3`, [owner, id, EVENT_DELIVERIES + 1]],
      ]);
      if (events.length === 0) throw notFound(`event ${id}`);
      const e = events[0];
      return {
        id: e.id,
        type: e.type,
        createdAtMs: Number(e.created_at_ms),
        payload: JSON.parse(e.body),
        deliveries: deliveries.slice(0, EVENT_DELIVERIES).map(deliveryView),
        moreDeliveries: deliveries.length > EVENT_DELIVERIES,
      };
    },

    /**
     * Cancel a delivery (the core says what that does): a pending one ends `cancelled`
     * (`cancelled_by_owner`) and is never attempted again; an attempt in flight keeps its record
     * (its worker completes it, the delivery stays cancelled); one already cancelled is left as
     * it is; a delivered or failed one is refused (`delivery_ended`). `{ delivery, changed, inFlight }`.
     */
    async cancelDelivery(owner, id) {
      checkOwner(owner);
      if (!plausibleId(id)) throw notFound("delivery");
      // A delivery its worker records meanwhile is read and decided again: at most a few times,
      // since each round it has moved on (and an ended one is refused).
      for (let round = 0; round < 3; round++) {
        const d = await deliveryOf(owner, id);
        const now = clock();
        const decided = cancelDelivery({ state: d.state, leaseUntilMs: num(d.lease_until_ms) }, now);
        if (!decided.changed) return { delivery: deliveryView(d), changed: false, inFlight: false };
        const moved = await sql.rows(
          `UPDATE hookline_deliveries SET state = 'cancelled', ended_reason = $3, lease_until_ms = NULL, claim_token = NULL, updated_at_ms = $4
           WHERE owner = $1 AND id = $2 AND state = 'pending' RETURNING id`,
          [owner, id, decided.endedReason, now],
        );
        if (moved.length === 1) {
          // An ordered delivery's key is counted again, and its next one promoted if this was its head.
          if (d.ordering_key !== null && d.ordering_key !== undefined) await sql.batch(repairKeys(sql.dialect, d.endpoint_id, now, d.ordering_key));
          return { delivery: deliveryView(await deliveryOf(owner, id)), changed: true, inFlight: decided.inFlight };
        }
      }
      throw new SenderError("database_unavailable", "the delivery kept changing while it was being cancelled; try again");
    },

    /**
     * Send again, once, every failed delivery of an endpoint created since `since` (and those
     * its disabling cancelled), as new deliveries due now: at most `limit` (default 100, at most
     * 500) per call; `more` says whether to call again. A delivery sent again is marked with its
     * new delivery's id (`recoveredBy`), so a second call, or two at once, never send one twice.
     * Refused (`endpoint_disabled`) while the endpoint is disabled. `{ recovered, more, deliveryIds }`.
     */
    async recoverEndpoint(owner, endpointId, body) {
      const plan = recoveryPlan(body ?? {});
      const endpoint = await registry.getEndpoint(owner, endpointId);
      if (!endpoint.enabled) throw new SenderError("endpoint_disabled", `endpoint ${endpoint.id} is disabled: enable it before sending to it again`);
      const candidates = await sql.rows(
        `SELECT id FROM hookline_deliveries
         WHERE owner = $1 AND endpoint_id = $2 AND created_at_ms >= $3 AND recovered_by IS NULL
           AND (${inList("state", 4)} OR (state = 'cancelled' AND ${inList("ended_reason", 5)}))
         ORDER BY created_at_ms, id LIMIT $6`,
        [owner, endpoint.id, plan.sinceMs, listParam(plan.states), listParam(plan.cancelledReasons), plan.limit + 1],
      );
      const taken = candidates.slice(0, plan.limit);
      if (taken.length === 0) return { recovered: 0, more: false, deliveryIds: [] };
      const now = clock();
      const pairs = taken.map((r) => [r.id, eventId("dlv_", { now })]);
      const inserted = sqlite ? await resendD1(owner, endpoint.id, pairs, now) : await resendPostgres(owner, endpoint.id, pairs, now);
      return { recovered: inserted.length, more: candidates.length > plan.limit, deliveryIds: inserted.map((r) => r.id) };
    },
  };

  /**
   * PostgreSQL: in one statement, each old delivery still unrecovered is marked with its new
   * one's id (a concurrent recovery waits on the row, then sees the mark and skips it), and the
   * new deliveries are inserted for the marked ones only, while the endpoint is enabled.
   */
  function resendPostgres(owner, endpointId, pairs, now) {
    return sql.rows(
      `WITH input AS (
         SELECT * FROM unnest($3::text[], $4::text[]) AS t (old_id, new_id)
       ), ep AS (
         SELECT id, url, secret_version FROM hookline_endpoints WHERE owner = $1 AND id = $2 AND enabled
       ), marked AS (
         UPDATE hookline_deliveries d SET recovered_by = i.new_id, updated_at_ms = $5
         FROM input i, ep WHERE d.id = i.old_id AND d.owner = $1 AND d.endpoint_id = ep.id AND d.recovered_by IS NULL AND d.state <> 'pending'
         RETURNING d.event_id, i.new_id
       )
       INSERT INTO hookline_deliveries (id, event_id, endpoint_id, owner, url, secret_version, next_attempt_at_ms, created_at_ms, updated_at_ms)
       SELECT m.new_id, m.event_id, ep.id, $1, ep.url, ep.secret_version, $5, $5, $5 FROM marked m, ep
       RETURNING id`,
      [owner, endpointId, pairs.map((p) => p[0]), pairs.map((p) => p[1]), now],
    );
  }

  /** D1: the same as one batch (one transaction): mark, then insert what this call marked. */
  async function resendD1(owner, endpointId, pairs, now) {
    const list = JSON.stringify(pairs);
    const [, inserted] = await sql.batch([
      [
        `UPDATE hookline_deliveries SET updated_at_ms = $4,
           recovered_by = (SELECT json_extract(j.value, '$[1]') FROM json_each($3) j WHERE json_extract(j.value, '$[0]') = hookline_deliveries.id)
         WHERE owner = $1 AND endpoint_id = $2 AND recovered_by IS NULL AND state <> 'pending'
           AND id IN (SELECT json_extract(value, '$[0]') FROM json_each($3))
           AND EXISTS (SELECT 1 FROM hookline_endpoints WHERE owner = $1 AND id = $2 AND enabled)`,
        [owner, endpointId, list, now],
      ],
      [
        `INSERT INTO hookline_deliveries (id, event_id, endpoint_id, owner, url, secret_version, next_attempt_at_ms, created_at_ms, updated_at_ms)
         SELECT d.recovered_by, d.event_id, ep.id, $1, ep.url, ep.secret_version, $4, $4, $4
         FROM hookline_deliveries d JOIN hookline_endpoints ep ON ep.owner = $1 AND ep.id = $2
         WHERE d.id IN (SELECT json_extract(value, '$[0]') FROM json_each($3)) AND d.recovered_by IN (SELECT json_extract(value, '$[1]') FROM json_each($3))
         RETURNING id`,
        [owner, endpointId, list, now],
      ],
    ]);
    return inserted;
  }
}
