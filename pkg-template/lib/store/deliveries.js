// Deliveries: the claim that hands due deliveries to a worker, the record of what an attempt did,
// the delivery log and retention. I/O only: what an attempt's outcome means (the plan, the
// delivery's state, the endpoint's health and whether it stays enabled) comes from the core,
// through the dispatcher. SQL keeps what must hold under concurrency: one holder per delivery
// (a claim token and a lease), one record per attempt (its delivery and its claim's token), and the
// deliveries an endpoint's disabling ends.
//
// An honest log: a claim writes the attempt it hands out onto the delivery (its number, its
// token, when it started and the lease) before its request can go out; the log shows it as in
// flight until its record is written. A worker that stops leaves the claim there; the next claim
// of the delivery (its lease ran out) hands the attempt back as a `lost` job, which the core
// records as `unknown` (the receiver may have got it) and plans like any other attempt. Should
// the lost worker's own record come after all, it replaces that `unknown` (one row per token).
//
// Throttled endpoints' deliveries ask their bucket once claimed (throttle.js): the ones it does
// not let start are put back unclaimed; an ordered delivery held behind its key's head is no
// claim's candidate, and the statement that ends a head promotes the next (ordering.js).
import { endpointChange, eventId } from "hookline";
import { SenderError } from "hookline/errors";
import { fromJson } from "./driver.js";
import { checkOwner, invalid, notFound, plausibleId } from "./endpoints.js";
import { COMPLETED_ROWS, d1EndedHead, endedHeadsSql, keyForOrdered, LOCK_KEYS, promoteStranded, pruneKeys, redeliverStatements } from "./ordering.js";
import { DELIVERY_COLUMNS, deliveryView, inFlightOf } from "./support.js";
import { throttleGate } from "./throttle.js";

const b64 = (bytes) => btoa(String.fromCharCode(...bytes));
/** Why the sender's disabling of an endpoint ends its pending deliveries: the core's word. */
const DISABLED = endpointChange(undefined, { enabled: false }, { now: 0 }).cancelPending;

/** A claimed row as a dispatcher job (no secrets) plus what completing it needs. */
function toJob(r) {
  const job = {
    deliveryId: r.id,
    attempt: Number(r.attempt),
    endpointId: r.endpoint_id,
    url: r.ep_url ?? r.url,
    secretVersion: Number(r.secret_version ?? 0),
    revision: Number(r.revision ?? 0),
    leaseUntilMs: Number(r.lease_until_ms),
    claimToken: r.claim_token,
    owner: r.owner,
    envelope: { id: r.event_id, type: r.type, body: r.body },
  };
  // The publisher's trace (each attempt is a new span of it), and the endpoint's health as
  // stored, which a sender holding an older one goes on from (the core's merge).
  if (r.traceparent) job.traceparent = r.traceparent;
  if (r.health !== null && r.health !== undefined) job.health = fromJson(r.health);
  if (r.lost_at_ms !== null && r.lost_at_ms !== undefined) {
    // The claim before this one never recorded its attempt: this job records it (as unknown).
    job.lost = true;
    job.startedAtMs = Number(r.lost_at_ms);
    job.lostToken = r.lost_token ?? null;
  }
  if (r.ep_id === null || r.ep_id === undefined) job.endpointGone = true;
  if (r.head_since_ms !== null && r.head_since_ms !== undefined) job.headSinceMs = Number(r.head_since_ms);
  if (r.ordering_key !== null && r.ordering_key !== undefined) job.orderingKey = r.ordering_key;
  // A throttled delivery's start, given by its bucket: now, or a little ahead (within the lease).
  if (r.not_before_ms !== undefined) job.notBeforeMs = Number(r.not_before_ms);
  return job;
}

/** The columns a claim returns per delivery, its endpoint's signing row beside it. */
const CLAIMED = `c.id, c.owner, c.event_id, c.endpoint_id, c.url, c.attempt, c.lease_until_ms, c.claim_token, c.lost_token, c.lost_at_ms,
  c.next_attempt_at_ms, c.reserved_at_ms, c.head_since_ms, c.ordering_key, e.type, e.body, e.traceparent,
  ep.id AS ep_id, ep.url AS ep_url, ep.secret_version, ep.secret_sealed, ep.previous_sealed, ep.previous_until_ms, ep.health, ep.revision,
  ep.rate_limit, ep.rate_limit_burst, ep.throttle`;

/**
 * What a claim writes on each delivery it takes (`$1` now, `$2` the lease's end, `token` its
 * parameter): this attempt's claim, and the one before it when that one was never recorded (its
 * lease was still set: its worker stopped).
 */
const takeClaim = (token) => `lost_token = CASE WHEN lease_until_ms IS NOT NULL THEN claim_token END,
  lost_at_ms = CASE WHEN lease_until_ms IS NOT NULL THEN COALESCE(claimed_at_ms, updated_at_ms) END,
  lease_until_ms = $2, claim_token = ${token}, claimed_at_ms = $1, updated_at_ms = $1`;

/**
 * Deliveries over driver `sql`, with `clock` (unix ms) and the endpoint `registry` (whose
 * signing rows a claim refreshes).
 */
export function deliveryLog({ sql, clock, registry }) {
  const sqlite = sql.dialect === "sqlite";
  const { inList, listParam } = registry;
  const gate = throttleGate({ sql, clock });

  /** Each endpoint this worker has attempts in flight to, and its room: `$7` (and `$9`). */
  const rooms = sqlite
    ? "(SELECT json_extract(value, '$[0]') AS endpoint_id, json_extract(value, '$[1]') AS room FROM json_each($7))"
    : "(SELECT * FROM unnest($7::text[], $9::int[]) AS t (endpoint_id, room))";
  /** Each tenant (owner) this worker has attempts in flight for, and its room; the per-tenant cap. */
  const tenantRooms = sqlite
    ? "(SELECT json_extract(value, '$[0]') AS owner, json_extract(value, '$[1]') AS room FROM json_each($10))"
    : "(SELECT * FROM unnest($11::text[], $12::int[]) AS t (owner, room))";
  const perTenantParam = sqlite ? "$11" : "$13";

  /**
   * The due deliveries a claim may take, by due time: `$1` now, `$4` due time, `$8` how many.
   * Endpoints and tenants with no room are left out here: a full endpoint's (or tenant's)
   * backlog, due first and longer than the window, would otherwise fill it and starve every
   * other one. Deliveries held behind their key's head are not in the due index at all.
   */
  const candidates = (only) => `SELECT id, owner, endpoint_id, next_attempt_at_ms FROM hookline_deliveries
        WHERE state = 'pending' AND NOT held AND next_attempt_at_ms <= $4 AND (lease_until_ms IS NULL OR lease_until_ms <= $1) ${only}
          AND endpoint_id NOT IN (SELECT endpoint_id FROM ${rooms} full_up WHERE full_up.room = 0)
          AND owner NOT IN (SELECT owner FROM ${tenantRooms} tenant_full WHERE tenant_full.room = 0)
        ORDER BY next_attempt_at_ms LIMIT $8`;

  /**
   * Of the candidates in relation `from`, the deliveries to take: by due time, at most `$3`,
   * and per endpoint at most its room (`$6`, the per-endpoint cap, less what this worker has in
   * flight there: the [endpoint, room] list `$7` on D1, `$7`/`$9` on PostgreSQL), so one
   * endpoint's backlog cannot take every slot; and per tenant at most its room (the per-tenant
   * cap less what this worker has in flight for it), so one tenant's endpoints together cannot
   * either.
   */
  const chosen = (from) => `SELECT id FROM (
      SELECT c.id, c.next_attempt_at_ms,
        row_number() OVER (PARTITION BY c.endpoint_id ORDER BY c.next_attempt_at_ms, c.id) AS rn, COALESCE(r.room, $6) AS room,
        row_number() OVER (PARTITION BY c.owner ORDER BY c.next_attempt_at_ms, c.id) AS tenant_rn, COALESCE(t.room, ${perTenantParam}) AS tenant_room
      FROM ${from} c LEFT JOIN ${rooms} r ON r.endpoint_id = c.endpoint_id LEFT JOIN ${tenantRooms} t ON t.owner = c.owner
    ) ranked WHERE rn <= room AND tenant_rn <= tenant_room ORDER BY next_attempt_at_ms LIMIT $3`;

  async function claim({ limit, leaseMs, ids, overdueMs, perEndpoint, inFlight, perTenant, tenantInFlight }) {
    const now = clock();
    const token = b64(globalThis.crypto.getRandomValues(new Uint8Array(16)));
    const held = [...inFlight].filter(([, n]) => n > 0);
    const rooms = held.map(([id, n]) => [id, Math.max(0, perEndpoint - n)]);
    const tenants = [...tenantInFlight].filter(([, n]) => n > 0).map(([owner, n]) => [owner, Math.max(0, perTenant - n)]);
    const window = Math.min(4000, perEndpoint >= limit ? limit : limit * 4);
    // PostgreSQL must be able to type every parameter it is sent, so $5 is always named.
    const only = ids ? `AND ${inList("id", 5)}` : sqlite ? "" : "AND $5::text[] IS NULL";
    if (sqlite) {
      const params = [now, now + leaseMs, limit, now - overdueMs, ids ? listParam(ids) : null, perEndpoint, JSON.stringify(rooms), window];
      const [, rows] = await sql.batch([
        [`UPDATE hookline_deliveries SET ${takeClaim("$9")} WHERE id IN (${chosen(`(${candidates(only)})`)}) RETURNING id`, [...params, token, JSON.stringify(tenants), perTenant]],
        [`SELECT ${CLAIMED} FROM hookline_deliveries c JOIN hookline_events e ON e.owner = c.owner AND e.id = c.event_id
          LEFT JOIN hookline_endpoints ep ON ep.id = c.endpoint_id WHERE c.claim_token = $1`, [token]],
      ]);
      return { rows, token, now };
    }
    // PostgreSQL: one statement. The candidates are locked as they are read, at the level that
    // re-checks they are still due and unheld: a concurrent claim skips them and reads the next
    // ones, so claims at once neither take one delivery twice nor wait on each other.
    const rows = await sql.rows(
      `WITH candidates AS (
         ${candidates(only)} FOR UPDATE SKIP LOCKED
       ), picked AS (
         ${chosen("candidates")}
       ), c AS (
         UPDATE hookline_deliveries d SET ${takeClaim("$10")} FROM picked WHERE d.id = picked.id
         RETURNING d.id, d.owner, d.event_id, d.endpoint_id, d.url, d.attempt, d.lease_until_ms, d.claim_token, d.lost_token, d.lost_at_ms,
           d.next_attempt_at_ms, d.reserved_at_ms, d.head_since_ms, d.ordering_key
       )
       SELECT ${CLAIMED}
       FROM c JOIN hookline_events e ON e.owner = c.owner AND e.id = c.event_id
       LEFT JOIN hookline_endpoints ep ON ep.id = c.endpoint_id`,
      [now, now + leaseMs, limit, now - overdueMs, ids ? listParam(ids) : null, perEndpoint, rooms.map((r) => r[0]), window, rooms.map((r) => r[1]), token,
        tenants.map((t) => t[0]), tenants.map((t) => t[1]), perTenant],
    );
    return { rows, token, now };
  }

  /** Claim, then let each throttled endpoint's bucket say which of its deliveries start: `{ jobs, waiting, paces }`. */
  async function claimJobs({ limit = 32, leaseMs = 60_000, ids, overdueMs = 0, perEndpoint, inFlight = new Map(), perTenant, tenantInFlight = new Map() } = {}) {
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalid("claimDue: limit must be a whole number from 1 to 1000");
    if (!Number.isInteger(leaseMs) || leaseMs < 1) throw invalid("claimDue: leaseMs must be a whole number of milliseconds");
    if (!Number.isInteger(overdueMs) || overdueMs < 0) throw invalid("claimDue: overdueMs must be a whole number of milliseconds");
    if (perEndpoint !== undefined && (!Number.isInteger(perEndpoint) || perEndpoint < 1)) throw invalid("claimDue: perEndpoint must be a whole number of 1 or more");
    if (!(inFlight instanceof Map)) throw invalid("claimDue: inFlight must be a Map of endpoint id to a count");
    if (perTenant !== undefined && (!Number.isInteger(perTenant) || perTenant < 1)) throw invalid("claimDue: perTenant must be a whole number of 1 or more");
    if (!(tenantInFlight instanceof Map)) throw invalid("claimDue: tenantInFlight must be a Map of tenant to a count");
    if (ids !== undefined && (!Array.isArray(ids) || ids.length > 1000 || !ids.every((i) => typeof i === "string"))) throw invalid("claimDue: ids must be an array of at most 1000 delivery ids");
    if (ids?.length === 0) return { jobs: [], waiting: [], paces: new Map() };
    const claimed = await claim({ limit, leaseMs, ids: ids?.filter(plausibleId), overdueMs, perEndpoint: perEndpoint ?? limit, inFlight, perTenant: perTenant ?? limit, tenantInFlight });
    const { rows, waiting, paces } = await gate.admit(claimed.rows, claimed.token, claimed.now, leaseMs);
    registry.remember(rows.filter((r) => r.ep_id !== null && r.ep_id !== undefined).map((r) => ({ ...r, id: r.ep_id })));
    // Throttled ones in the order of their starts, for the worker's pacing.
    const jobs = rows.map(toJob).sort((a, b) => (a.notBeforeMs ?? 0) - (b.notBeforeMs ?? 0));
    return { jobs, waiting, paces };
  }

  /** The row of each completed item, as the statements below take them. */
  function rowsOf(items, now) {
    return items.map(({ job, record, plan, state, health, enabled }) => ({
      deliveryId: job.deliveryId,
      token: job.claimToken,
      // The attempt this record is of: a lost job's is the claim before (its token).
      attemptToken: job.lost ? (job.lostToken ?? null) : job.claimToken,
      endpointId: job.endpointId,
      revision: job.revision,
      state,
      attempt: plan.kind === "retry" ? plan.attempt : job.attempt,
      nextAt: plan.kind === "retry" ? plan.atMs : now,
      reason: state === "pending" ? null : (plan.reason ?? null),
      record,
      health: health ? JSON.stringify(health) : null,
      enabled: enabled !== false,
      // An ordered delivery's jobs say since when it heads its key.
      endsHead: typeof job.headSinceMs === "number" && state !== "pending",
      orderingKey: job.orderingKey ?? null,
    }));
  }

  /** The attempt that record `r` is of, inserted, or replacing an `unknown` one of its token. */
  const LOG = `INSERT INTO hookline_attempts (delivery_id, endpoint_id, attempt, attempted_at_ms, outcome, status, record, claim_token)`;
  const REPLACE_UNKNOWN = `ON CONFLICT (delivery_id, claim_token) DO UPDATE SET attempted_at_ms = excluded.attempted_at_ms, outcome = excluded.outcome,
    status = excluded.status, record = excluded.record WHERE hookline_attempts.outcome = 'unknown'`;

  /** See completeAll: `{ moved, promoted }`. */
  async function record(items) {
    if (!Array.isArray(items) || items.length > 1000) throw invalid("completeAll: items must be an array of at most 1000 { job, record, plan, state, health }");
    if (items.length === 0) return { moved: [], promoted: [] };
    // A delivery recorded twice (an attempt that came back after its lease, beside the next
    // claim's record of it as lost) goes in statements of its own, in the order given: one
    // statement cannot insert or update the same row twice.
    const seen = new Set();
    const again = items.map((item) => seen.size === seen.add(item?.job?.deliveryId).size);
    if (again.some(Boolean)) {
      const first = await record(items.filter((_, i) => !again[i]));
      const rest = await record(items.filter((_, i) => again[i]));
      const [a, b] = [first.moved[Symbol.iterator](), rest.moved[Symbol.iterator]()];
      return { moved: again.map((x) => (x ? b : a).next().value), promoted: [...first.promoted, ...rest.promoted] };
    }
    const now = clock();
    const rows = rowsOf(items, now);
    const done = await (sqlite ? recordD1(rows, now) : recordPostgres(rows, now));
    try {
      await gate.observe(items);
    } catch {
      // The attempts are recorded; a slow-down the database did not take comes again with the
      // endpoint's next 429 or 503.
    }
    return done;
  }

  /** D1: one batch. */
  async function recordD1(rows, now) {
    const held = "SELECT endpoint_id FROM hookline_deliveries WHERE id = $1 AND state = 'pending' AND claim_token = $2";
    const list = [];
    const moves = [];
    const promotions = [];
    for (const r of rows) {
      list.push([
        `${LOG} SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS (SELECT 1 FROM hookline_deliveries WHERE id = $1) ${REPLACE_UNKNOWN}`,
        [r.deliveryId, r.endpointId, r.record.attempt, r.record.attemptedAtMs, r.record.outcome, r.record.status ?? null, JSON.stringify(r.record), r.attemptToken],
      ]);
      if (r.health !== null) {
        list.push([`UPDATE hookline_endpoints SET health = $3, enabled = $4 WHERE id = (${held}) AND revision = $5`, [r.deliveryId, r.token, r.health, r.enabled, r.revision]]);
        if (!r.enabled) {
          list.push([
            `UPDATE hookline_deliveries SET state = 'cancelled', ended_reason = $4, lease_until_ms = NULL, claim_token = NULL, updated_at_ms = $5
             WHERE endpoint_id = (${held}) AND id <> $1 AND state = 'pending'
               AND EXISTS (SELECT 1 FROM hookline_endpoints WHERE id = $3 AND enabled = 0 AND revision = $6)`,
            [r.deliveryId, r.token, r.endpointId, DISABLED, now, r.revision],
          ]);
        }
      }
      if (r.endsHead) {
        const [key, next] = d1EndedHead(r.deliveryId, r.token, now);
        promotions.push(list.length + 1);
        list.push(key, next);
      }
      moves.push(list.length);
      list.push([
        `UPDATE hookline_deliveries SET state = $3, attempt = $4, next_attempt_at_ms = $5, ended_reason = $6, lease_until_ms = NULL, claim_token = NULL, updated_at_ms = $7
         WHERE id = $1 AND state = 'pending' AND claim_token = $2 RETURNING id`,
        [r.deliveryId, r.token, r.state, r.attempt, r.nextAt, r.reason, now],
      ]);
    }
    const results = await sql.batch(list);
    const promoted = promotions.flatMap((i) => results[i]).map((p) => ({ deliveryId: p.id, attempt: Number(p.attempt), atMs: now }));
    return { moved: moves.map((i) => results[i].length === 1), promoted };
  }

  /**
   * PostgreSQL: one statement; with ordered heads among the items, in a transaction that also
   * promotes what the statement could not see (ordering.js). The `= ANY` beside each join
   * reaches the rows by their primary key even before the planner has statistics (a new
   * database would otherwise scan the tables). Two workers completing at once must not wait on
   * each other in a circle: the endpoints are locked in id order (`held`), and an endpoint's
   * other pending deliveries that another worker holds are skipped when it is disabled (that
   * worker's completion or the next claim ends them). A deadlock the database still reports is
   * retried by the driver.
   */
  async function recordPostgres(rows, now) {
    const col = (k) => rows.map((r) => r[k]);
    // Only a batch that ends an ordered head touches keys: the others keep the plain statement.
    const ordered = rows.some((r) => r.endsHead);
    const run = async (query) => {
      const { rows: out } = await query(
        `WITH input AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[], $7::text[], $8::int[], $9::bigint[], $10::text[], $11::int[], $12::jsonb[], $13::text[], $14::jsonb[], $15::boolean[], $16::int[])
             AS t (delivery_id, token, state, attempt, next_at, reason, attempt_token, rec_attempt, attempted_at, outcome, status, record, endpoint_id, health, enabled, revision)
         ), moved AS (
           UPDATE hookline_deliveries d SET state = i.state, attempt = i.attempt, next_attempt_at_ms = i.next_at, ended_reason = i.reason,
             lease_until_ms = NULL, claim_token = NULL, updated_at_ms = $17
           FROM input i WHERE d.id = ANY ($1::text[]) AND d.id = i.delivery_id AND d.state = 'pending' AND d.claim_token = i.token
           RETURNING d.id, d.endpoint_id, d.ordering_key, d.state
         ), logged AS (
           ${LOG}
           SELECT i.delivery_id, i.endpoint_id, i.rec_attempt, i.attempted_at, i.outcome, i.status, i.record, i.attempt_token FROM input i
           WHERE EXISTS (SELECT 1 FROM hookline_deliveries d WHERE d.id = i.delivery_id) ORDER BY i.attempted_at
           ${REPLACE_UNKNOWN}
           RETURNING 1
         ), held AS MATERIALIZED (
           SELECT e.id FROM hookline_endpoints e WHERE e.id = ANY ($13::text[]) AND e.id IN (SELECT endpoint_id FROM input WHERE health IS NOT NULL)
           ORDER BY e.id FOR UPDATE
         ), healed AS (
           UPDATE hookline_endpoints e SET health = h.health, enabled = h.enabled FROM (
             SELECT DISTINCT ON (i.endpoint_id) i.endpoint_id, i.health, i.enabled, i.revision FROM input i JOIN moved m ON m.id = i.delivery_id
             WHERE i.health IS NOT NULL ORDER BY i.endpoint_id, i.attempted_at DESC
           ) h WHERE e.id = h.endpoint_id AND e.revision = h.revision AND e.id IN (SELECT id FROM held)
           RETURNING e.id, e.enabled
         ), ended AS (
           UPDATE hookline_deliveries d SET state = 'cancelled', ended_reason = $18, lease_until_ms = NULL, claim_token = NULL, updated_at_ms = $17
           WHERE d.id IN (
             SELECT p.id FROM hookline_deliveries p JOIN healed h ON p.endpoint_id = h.id AND NOT h.enabled
             WHERE p.state = 'pending' AND p.id NOT IN (SELECT id FROM moved) FOR UPDATE OF p SKIP LOCKED
           )
           RETURNING 1
         )${ordered ? `${endedHeadsSql("$17::bigint")} ${COMPLETED_ROWS}` : " SELECT 'moved' AS kind, id FROM moved"}`,
        [
          col("deliveryId"), col("token"), col("state"), col("attempt"), col("nextAt"), col("reason"), col("attemptToken"),
          rows.map((r) => r.record.attempt), rows.map((r) => r.record.attemptedAtMs), rows.map((r) => r.record.outcome), rows.map((r) => r.record.status ?? null),
          rows.map((r) => JSON.stringify(r.record)), col("endpointId"), col("health"), col("enabled"), col("revision"), now, DISABLED,
        ],
      );
      const stranded = out.filter((r) => r.kind === "stranded").map((r) => [r.endpoint_id, r.ordering_key]);
      const promoted = [...out.filter((r) => r.kind === "promoted"), ...(await promoteStranded(query, stranded, now))];
      return { moved: new Set(out.filter((r) => r.kind === "moved").map((r) => r.id)), promoted };
    };
    const ended = rows.filter((r) => r.endsHead && r.orderingKey !== null);
    const { moved, promoted } = ordered
      ? await sql.transaction(async (q) => {
          // The keys of the heads it ends, taken in the one order first (see ordering.js).
          await q.query(LOCK_KEYS, [ended.map((r) => r.endpointId), ended.map((r) => r.orderingKey)]);
          return run((text, params) => q.query(text, params));
        })
      : await run(async (text, params) => ({ rows: await sql.rows(text, params) }));
    return { moved: rows.map((r) => moved.has(r.deliveryId)), promoted: promoted.map((p) => ({ deliveryId: p.id, attempt: Number(p.attempt), atMs: now })) };
  }

  return {
    /**
     * Take up to `limit` due deliveries for `leaseMs` (default 60 s) as dispatcher jobs. Two
     * workers never take the same delivery; a lease that runs out (its worker died) makes it
     * due again, as a `lost` job for the attempt that worker had begun. `ids` limits the claim
     * to those deliveries (a queue message's); `overdueMs` takes only deliveries due at least
     * that long ago (a sweep). `perEndpoint` caps the deliveries of one endpoint a claim takes,
     * less those `inFlight` (a Map of endpoint id to attempts this worker has going there), and
     * `perTenant` those of one tenant's endpoints together, less `tenantInFlight` (by tenant). A
     * throttled endpoint's jobs carry their start (`notBeforeMs`: now, or a little ahead within
     * the lease); the deliveries its bucket does not let start are put back until their wait
     * ends. An ordered endpoint's deliveries come one per key: only the head is ever due.
     */
    async claimDue(options) {
      return (await claimJobs(options)).jobs;
    },

    /**
     * A throttled job that waited for its start (up to a second after its claim), read again as
     * it is about to go: its endpoint's stored health now (an owner who disabled it meanwhile,
     * in this process or another), or gone. Disabling or deleting an endpoint ends its
     * deliveries that have not started, and a paced one had not.
     */
    async refreshJob(job) {
      const rows = await sql.rows("SELECT health FROM hookline_endpoints WHERE id = $1", [job.endpointId]);
      registry.forget(job.endpointId);
      if (rows.length === 0) job.endpointGone = true;
      else if (rows[0].health !== null && rows[0].health !== undefined) job.health = fromJson(rows[0].health);
    },

    /**
     * `claimDue` for the store's own rounds: `{ jobs, waiting, paces }`, `waiting` being the
     * throttled deliveries their bucket put back, `[{ deliveryId, attempt, atMs }]` (for a
     * queue), `paces` each throttled endpoint's pace (for `throttlePace`).
     */
    claimJobs,

    /**
     * Record what `dispatcher.attempt(job)` returned for claimed jobs (`[{ job, record, plan,
     * state, health, enabled }]`), in one statement on PostgreSQL and one batch on D1: each
     * attempt's record is written (a lost one's under the claim before, replacing the `unknown`
     * a later claim may have written for it); a delivery moves on (pending again at the
     * plan's time, delivered, failed or cancelled) only while its claim still holds it; the
     * endpoint's health follows, unless an owner's change renewed the endpoint meanwhile; and
     * an endpoint the attempt disabled has its other pending deliveries ended. An ordered head
     * that ended has the next delivery of its key promoted; a throttled endpoint that answered
     * 429 or 503 is slowed down. A boolean per job, in order: whether it moved the delivery on.
     */
    async completeAll(items) {
      return (await record(items)).moved;
    },

    /**
     * `completeAll` for the store's own rounds: `{ moved, promoted }`, `promoted` being the
     * deliveries that became their key's head, `[{ deliveryId, attempt, atMs }]` (for a queue).
     */
    record,

    /** A delivery of `owner`'s (as support lists show it) and its attempt records, oldest first. */
    async getDelivery(owner, id) {
      checkOwner(owner);
      if (!plausibleId(id)) throw notFound("delivery");
      const rows = await sql.rows(`SELECT ${DELIVERY_COLUMNS}, d.claimed_at_ms FROM hookline_deliveries d JOIN hookline_events e ON e.owner = d.owner AND e.id = d.event_id WHERE d.owner = $1 AND d.id = $2`, [owner, id]);
      if (rows.length === 0) throw notFound(`delivery ${id}`);
      const attempts = await sql.rows("SELECT record FROM hookline_attempts WHERE delivery_id = $1 ORDER BY seq", [id]);
      return { ...deliveryView(rows[0]), attempts: attempts.map((r) => fromJson(r.record)), inFlight: inFlightOf(rows[0], clock()) };
    },

    /**
     * Send a past delivery's event again to the same endpoint as a new delivery (attempt 1, due
     * now, a new delivery id); the old delivery and its records are left as they are. To an
     * ordered endpoint it goes to the back of its key. Refused (`endpoint_disabled`) while the
     * endpoint is disabled.
     */
    async redeliver(owner, deliveryId) {
      checkOwner(owner);
      if (!plausibleId(deliveryId)) throw notFound("delivery");
      const now = clock();
      const id = eventId("dlv_", { now });
      // To an ordered endpoint it goes to the back of the key its delivery had (the core's key).
      const [was] = await sql.rows("SELECT d.ordering_key, e.ordered FROM hookline_deliveries d JOIN hookline_endpoints e ON e.id = d.endpoint_id WHERE d.owner = $1 AND d.id = $2", [owner, deliveryId]);
      const key = was && (was.ordered === true || was.ordered === 1) ? keyForOrdered(was.ordering_key || undefined) : null;
      const rows = (await sql.batch(redeliverStatements(sql.dialect, [owner, deliveryId, id, now, key]))).at(-1);
      if (rows.length === 1) return { deliveryId: id, eventId: rows[0].event_id };
      const why = await sql.rows(
        "SELECT e.id FROM hookline_deliveries d JOIN hookline_endpoints e ON e.id = d.endpoint_id WHERE d.owner = $1 AND d.id = $2",
        [owner, deliveryId],
      );
      if (why.length === 1) throw new SenderError("endpoint_disabled", `endpoint ${why[0].id} is disabled: enable it before sending to it again`);
      throw notFound(`delivery ${deliveryId} (or its endpoint)`);
    },

    /**
     * Retention: remove events older than `olderThanMs` (unix ms) whose deliveries have all
     * ended, with those deliveries and their attempt records. Pending work is never removed.
     */
    async prune({ olderThanMs } = {}) {
      if (!Number.isFinite(olderThanMs)) throw invalid("prune needs olderThanMs, unix milliseconds");
      const old = `SELECT ev.owner, ev.id FROM hookline_events ev WHERE ev.created_at_ms < $1
          AND NOT EXISTS (SELECT 1 FROM hookline_deliveries d WHERE d.owner = ev.owner AND d.event_id = ev.id AND d.state = 'pending')`;
      const results = await sql.batch([
        [`DELETE FROM hookline_attempts WHERE delivery_id IN (SELECT id FROM hookline_deliveries WHERE (owner, event_id) IN (${old}))`, [olderThanMs]],
        [`DELETE FROM hookline_deliveries WHERE (owner, event_id) IN (${old})`, [olderThanMs]],
        [`DELETE FROM hookline_events WHERE (owner, id) IN (${old}) RETURNING id`, [olderThanMs]],
        pruneKeys(sql.dialect),
      ]);
      return results[2].length;
    },
  };
}
