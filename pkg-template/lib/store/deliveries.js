// Deliveries: the claim that hands due deliveries to a worker, the record of what an attempt did,
// the delivery log and retention. I/O only: what an attempt's outcome means (the plan, the
// delivery's state, the endpoint's health and whether it stays enabled) comes from the core,
// through the dispatcher. SQL keeps what must hold under concurrency: one holder per delivery
// (a claim token and a lease), one started record per attempt, and the deliveries an endpoint's
// disabling ends.
//
// An honest log: each claimed attempt is written as `started` in the claim's own statement,
// before its request can go out, and completed in place (its place in the log, the claim's
// time, stays: an update of unindexed columns only). A worker that stops leaves it started; the next claim of the
// delivery (its lease ran out) hands it back as a `lost` job, which the core records as
// `unknown` (the receiver may have got it) and plans like any other attempt.
//
// Throttled endpoints' deliveries ask their bucket once claimed (throttle.js); an ordered
// delivery held behind its key's head is no claim's candidate, and the statement that ends a
// head promotes the next (ordering.js).
import { endpointChange, eventId } from "hookline";
import { SenderError } from "hookline/errors";
import { fromJson } from "./driver.js";
import { checkOwner, invalid, notFound, pageLimit, plausibleId } from "./endpoints.js";
import { COMPLETED_ROWS, d1EndedHead, endedHeadsSql, keyForOrdered, LOCK_KEYS, promoteStranded, pruneKeys, redeliverStatements } from "./ordering.js";
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
    attemptSeq: Number(r.lost_seq ?? r.started_seq),
    envelope: { id: r.event_id, type: r.type, body: r.body },
  };
  if (r.lost_seq !== null && r.lost_seq !== undefined) {
    job.lost = true;
    job.startedAtMs = Number(r.lost_at);
  }
  if (r.ep_id === null || r.ep_id === undefined) job.endpointGone = true;
  if (r.head_since_ms !== null && r.head_since_ms !== undefined) job.headSinceMs = Number(r.head_since_ms);
  if (r.ordering_key !== null && r.ordering_key !== undefined) job.orderingKey = r.ordering_key;
  // A throttled delivery's start, given by its bucket: now, or a little ahead (within the lease).
  if (r.not_before_ms !== undefined) job.notBeforeMs = Number(r.not_before_ms);
  return job;
}

/** The columns a claim returns per delivery, its endpoint's signing row beside it. */
const CLAIMED = `c.id, c.owner, c.event_id, c.endpoint_id, c.url, c.attempt, c.lease_until_ms, c.claim_token, c.next_attempt_at_ms, c.reserved_at_ms, c.head_since_ms, c.ordering_key, e.type, e.body,
  ep.id AS ep_id, ep.url AS ep_url, ep.secret_version, ep.secret_sealed, ep.previous_sealed, ep.previous_until_ms, ep.health, ep.revision, ep.rate_limit, ep.rate_limit_burst, ep.throttle`;

/** A throttled endpoint's claimed deliveries get their started record once their bucket lets them start (throttle.js). */
const UNTHROTTLED = "NOT EXISTS (SELECT 1 FROM hookline_endpoints ep WHERE ep.id = c.endpoint_id AND ep.rate_limit IS NOT NULL)";

/** The record a claim writes for each attempt it hands out, before its request goes out. */
const startedRecord = (fn, at) =>
  `${fn}('deliveryId', c.id, 'eventId', c.event_id, 'endpointId', c.endpoint_id, 'attempt', c.attempt, 'attemptedAtMs', ${at}, 'outcome', 'started')`;

/**
 * Deliveries over driver `sql`, with `clock` (unix ms) and the endpoint `registry` (whose
 * signing rows a claim refreshes).
 */
export function deliveryLog({ sql, clock, registry }) {
  const sqlite = sql.dialect === "sqlite";
  const { inList, listParam } = registry;
  const gate = throttleGate({ sql, clock, startedRecord });

  /** Each endpoint this worker has attempts in flight to, and its room: `$7` (and `$9`). */
  const rooms = sqlite
    ? "(SELECT json_extract(value, '$[0]') AS endpoint_id, json_extract(value, '$[1]') AS room FROM json_each($7))"
    : "(SELECT * FROM unnest($7::text[], $9::int[]) AS t (endpoint_id, room))";

  /**
   * The due deliveries a claim may take, by due time: `$1` now, `$4` due time, `$8` how many.
   * Endpoints with no room are left out here: a full endpoint's backlog, due first and longer
   * than the window, would otherwise fill it and starve every other endpoint. Deliveries held
   * behind their key's head are not in the due index at all.
   */
  const candidates = (only) => `SELECT id, endpoint_id, next_attempt_at_ms FROM hookline_deliveries
        WHERE state = 'pending' AND NOT held AND next_attempt_at_ms <= $4 AND (lease_until_ms IS NULL OR lease_until_ms <= $1) ${only}
          AND endpoint_id NOT IN (SELECT endpoint_id FROM ${rooms} full_up WHERE full_up.room = 0)
        ORDER BY next_attempt_at_ms LIMIT $8`;

  /**
   * Of the candidates in relation `from`, the deliveries to take: by due time, at most `$3`,
   * and per endpoint at most its room (`$6`, the per-endpoint cap, less what this worker has in
   * flight there: the [endpoint, room] list `$7` on D1, `$7`/`$9` on PostgreSQL), so one
   * endpoint's backlog cannot take every slot.
   */
  const chosen = (from) => `SELECT id FROM (
      SELECT c.id, c.next_attempt_at_ms, row_number() OVER (PARTITION BY c.endpoint_id ORDER BY c.next_attempt_at_ms, c.id) AS rn, COALESCE(r.room, $6) AS room
      FROM ${from} c LEFT JOIN ${rooms} r ON r.endpoint_id = c.endpoint_id
    ) ranked WHERE rn <= room ORDER BY next_attempt_at_ms LIMIT $3`;

  async function claim({ limit, leaseMs, ids, overdueMs, perEndpoint, inFlight }) {
    const now = clock();
    const token = b64(globalThis.crypto.getRandomValues(new Uint8Array(16)));
    const held = [...inFlight].filter(([, n]) => n > 0);
    const rooms = held.map(([id, n]) => [id, Math.max(0, perEndpoint - n)]);
    const window = Math.min(4000, perEndpoint >= limit ? limit : limit * 4);
    // PostgreSQL must be able to type every parameter it is sent, so $5 is always named.
    const only = ids ? `AND ${inList("id", 5)}` : sqlite ? "" : "AND $5::text[] IS NULL";
    if (sqlite) {
      const params = [now, now + leaseMs, limit, now - overdueMs, ids ? listParam(ids) : null, perEndpoint, JSON.stringify(rooms), window];
      const [, lost, started, claimed] = await sql.batch([
        [`UPDATE hookline_deliveries SET lease_until_ms = $2, claim_token = $9, updated_at_ms = $1 WHERE id IN (${chosen(`(${candidates(only)})`)}) RETURNING id`, [...params, token]],
        ["SELECT seq, delivery_id, attempted_at_ms FROM hookline_attempts WHERE outcome = 'started' AND delivery_id IN (SELECT id FROM hookline_deliveries WHERE claim_token = $1)", [token]],
        [`INSERT INTO hookline_attempts (delivery_id, endpoint_id, attempt, attempted_at_ms, outcome, status, record)
          SELECT c.id, c.endpoint_id, c.attempt, $2, 'started', NULL, ${startedRecord("json_object", "$2")} FROM hookline_deliveries c
          WHERE c.claim_token = $1 AND NOT EXISTS (SELECT 1 FROM hookline_attempts a WHERE a.delivery_id = c.id AND a.outcome = 'started') AND ${UNTHROTTLED}
          RETURNING seq, delivery_id`, [token, now]],
        [`SELECT ${CLAIMED} FROM hookline_deliveries c JOIN hookline_events e ON e.owner = c.owner AND e.id = c.event_id
          LEFT JOIN hookline_endpoints ep ON ep.id = c.endpoint_id WHERE c.claim_token = $1`, [token]],
      ]);
      const lostBy = new Map(lost.map((l) => [l.delivery_id, l]));
      const startedBy = new Map(started.map((s) => [s.delivery_id, s.seq]));
      const rows = claimed.map((r) => ({ ...r, lost_seq: lostBy.get(r.id)?.seq ?? null, lost_at: lostBy.get(r.id)?.attempted_at_ms, started_seq: startedBy.get(r.id) }));
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
         UPDATE hookline_deliveries d SET lease_until_ms = $2, claim_token = $10, updated_at_ms = $1 FROM picked WHERE d.id = picked.id
         RETURNING d.id, d.owner, d.event_id, d.endpoint_id, d.url, d.attempt, d.lease_until_ms, d.claim_token, d.next_attempt_at_ms, d.reserved_at_ms, d.head_since_ms, d.ordering_key
       ), lost AS (
         SELECT a.seq, a.delivery_id, a.attempted_at_ms FROM hookline_attempts a JOIN c ON a.delivery_id = c.id WHERE a.outcome = 'started'
       ), started AS (
         INSERT INTO hookline_attempts (delivery_id, endpoint_id, attempt, attempted_at_ms, outcome, status, record)
         SELECT c.id, c.endpoint_id, c.attempt, $1, 'started', NULL, ${startedRecord("jsonb_build_object", "$1::bigint")}
         FROM c WHERE NOT EXISTS (SELECT 1 FROM lost WHERE lost.delivery_id = c.id) AND ${UNTHROTTLED}
         RETURNING seq, delivery_id
       )
       SELECT ${CLAIMED}, s.seq AS started_seq, l.seq AS lost_seq, l.attempted_at_ms AS lost_at
       FROM c JOIN hookline_events e ON e.owner = c.owner AND e.id = c.event_id
       LEFT JOIN started s ON s.delivery_id = c.id LEFT JOIN lost l ON l.delivery_id = c.id
       LEFT JOIN hookline_endpoints ep ON ep.id = c.endpoint_id`,
      [now, now + leaseMs, limit, now - overdueMs, ids ? listParam(ids) : null, perEndpoint, rooms.map((r) => r[0]), window, rooms.map((r) => r[1]), token],
    );
    return { rows, token, now };
  }

  /** Claim, then let each throttled endpoint's bucket say which of its deliveries start: `{ jobs, waiting, paces }`. */
  async function claimJobs({ limit = 32, leaseMs = 60_000, ids, overdueMs = 0, perEndpoint, inFlight = new Map() } = {}) {
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalid("claimDue: limit must be a whole number from 1 to 1000");
    if (!Number.isInteger(leaseMs) || leaseMs < 1) throw invalid("claimDue: leaseMs must be a whole number of milliseconds");
    if (!Number.isInteger(overdueMs) || overdueMs < 0) throw invalid("claimDue: overdueMs must be a whole number of milliseconds");
    if (perEndpoint !== undefined && (!Number.isInteger(perEndpoint) || perEndpoint < 1)) throw invalid("claimDue: perEndpoint must be a whole number of 1 or more");
    if (!(inFlight instanceof Map)) throw invalid("claimDue: inFlight must be a Map of endpoint id to a count");
    if (ids !== undefined && (!Array.isArray(ids) || ids.length > 1000 || !ids.every((i) => typeof i === "string"))) throw invalid("claimDue: ids must be an array of at most 1000 delivery ids");
    if (ids?.length === 0) return { jobs: [], waiting: [], paces: new Map() };
    const claimed = await claim({ limit, leaseMs, ids: ids?.filter(plausibleId), overdueMs, perEndpoint: perEndpoint ?? limit, inFlight });
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
      seq: job.attemptSeq,
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

  /** See completeAll: `{ moved, promoted }`. */
  async function record(items) {
    if (!Array.isArray(items) || items.length > 1000) throw invalid("completeAll: items must be an array of at most 1000 { job, record, plan, state, health }");
    if (items.length === 0) return { moved: [], promoted: [] };
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
        "UPDATE hookline_attempts SET outcome = $2, status = $3, record = $4 WHERE seq = $1 AND outcome IN ('started', 'unknown')",
        [r.seq, r.record.outcome, r.record.status ?? null, JSON.stringify(r.record)],
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
   * promotes what the statement could not see (ordering.js).
   */
  async function recordPostgres(rows, now) {
    const col = (k) => rows.map((r) => r[k]);
    // Only a batch that ends an ordered head touches keys: the others keep the plain statement.
    const ordered = rows.some((r) => r.endsHead);
    const run = async (query) => {
      const { rows: out } = await query(
        `WITH input AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[], $7::bigint[], $8::bigint[], $9::text[], $10::int[], $11::jsonb[], $12::text[], $13::jsonb[], $14::boolean[], $15::int[])
             AS t (delivery_id, token, state, attempt, next_at, reason, seq, attempted_at, outcome, status, record, endpoint_id, health, enabled, revision)
         ), moved AS (
           UPDATE hookline_deliveries d SET state = i.state, attempt = i.attempt, next_attempt_at_ms = i.next_at, ended_reason = i.reason,
             lease_until_ms = NULL, claim_token = NULL, updated_at_ms = $16
           FROM input i WHERE d.id = i.delivery_id AND d.state = 'pending' AND d.claim_token = i.token
           RETURNING d.id, d.endpoint_id, d.ordering_key, d.state
         ), logged AS (
           UPDATE hookline_attempts a SET outcome = i.outcome, status = i.status, record = i.record
           FROM input i WHERE a.seq = i.seq AND a.outcome IN ('started', 'unknown')
           RETURNING 1
         ), healed AS (
           UPDATE hookline_endpoints e SET health = h.health, enabled = h.enabled FROM (
             SELECT DISTINCT ON (i.endpoint_id) i.endpoint_id, i.health, i.enabled, i.revision FROM input i JOIN moved m ON m.id = i.delivery_id
             WHERE i.health IS NOT NULL ORDER BY i.endpoint_id, i.attempted_at DESC
           ) h WHERE e.id = h.endpoint_id AND e.revision = h.revision
           RETURNING e.id, e.enabled
         ), ended AS (
           UPDATE hookline_deliveries d SET state = 'cancelled', ended_reason = $17, lease_until_ms = NULL, claim_token = NULL, updated_at_ms = $16
           FROM healed h WHERE d.endpoint_id = h.id AND NOT h.enabled AND d.state = 'pending' AND d.id NOT IN (SELECT id FROM moved)
           RETURNING 1
         )${ordered ? `${endedHeadsSql("$16::bigint")} ${COMPLETED_ROWS}` : " SELECT 'moved' AS kind, id FROM moved"}`,
        [
          col("deliveryId"), col("token"), col("state"), col("attempt"), col("nextAt"), col("reason"), col("seq"),
          rows.map((r) => r.record.attemptedAtMs), rows.map((r) => r.record.outcome), rows.map((r) => r.record.status ?? null),
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
     * less those `inFlight` (a Map of endpoint id to attempts this worker has going there). A
     * throttled endpoint's jobs carry their start (`notBeforeMs`: now, or a little ahead within
     * the lease); the deliveries its bucket does not let start are put back until their wait
     * ends. An ordered endpoint's deliveries come one per key: only the head is ever due.
     */
    async claimDue(options) {
      return (await claimJobs(options)).jobs;
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
     * attempt's started record becomes its record; a delivery moves on (pending again at the
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
    /** A delivery of `owner`'s and its attempt records, oldest first. */
    async getDelivery(owner, id) {
      checkOwner(owner);
      if (!plausibleId(id)) throw notFound("delivery");
      const rows = await sql.rows("SELECT * FROM hookline_deliveries WHERE owner = $1 AND id = $2", [owner, id]);
      if (rows.length === 0) throw notFound(`delivery ${id}`);
      const attempts = await sql.rows("SELECT record FROM hookline_attempts WHERE delivery_id = $1 ORDER BY seq", [id]);
      const d = rows[0];
      return {
        id: d.id,
        eventId: d.event_id,
        endpointId: d.endpoint_id,
        state: d.state,
        endedReason: d.ended_reason ?? null,
        attempt: Number(d.attempt),
        nextAttemptAtMs: Number(d.next_attempt_at_ms),
        attempts: attempts.map((r) => fromJson(r.record)),
      };
    },

    /**
     * An endpoint's attempt records, newest first, `limit` (1 to 100, default 20) at a time:
     * `{ data, nextCursor }`. The cursor is the last record's place, so attempts appended
     * meanwhile (they are newer) never shift a page.
     */
    async listAttempts(owner, endpointId, { limit, cursor } = {}) {
      const size = pageLimit(limit);
      await registry.getEndpoint(owner, endpointId);
      let before = null;
      if (cursor !== undefined && cursor !== null) {
        const m = /^a(\d{1,15})\.(\d{1,15})$/.exec(String(cursor));
        if (!m) throw invalid("cursor is not one this store gave");
        before = [Number(m[1]), Number(m[2])];
      }
      const rows = await sql.rows(
        before
          ? `SELECT seq, attempted_at_ms, record FROM hookline_attempts
             WHERE endpoint_id = $1 AND (attempted_at_ms < $3 OR (attempted_at_ms = $3 AND seq < $4))
             ORDER BY attempted_at_ms DESC, seq DESC LIMIT $2`
          : "SELECT seq, attempted_at_ms, record FROM hookline_attempts WHERE endpoint_id = $1 ORDER BY attempted_at_ms DESC, seq DESC LIMIT $2",
        before ? [endpointId, size + 1, ...before] : [endpointId, size + 1],
      );
      const page = rows.slice(0, size);
      const last = page.at(-1);
      return { data: page.map((r) => fromJson(r.record)), nextCursor: rows.length > size ? `a${last.attempted_at_ms}.${last.seq}` : null };
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
