// Rate limits per endpoint: the store's side of the core's token bucket (`throttleAdmit`,
// `throttleObserve`). I/O only: the core decides which claimed deliveries start now and how long
// the others wait; SQL keeps what must hold under concurrency. A bucket is taken from by compare
// and swap (the claim that read it writes it only if it is still what it read), so two workers
// never spend one token twice; a delivery told to wait is put back with its wait as its next
// attempt time, so the due index keeps it out of every claim until then, and it keeps its place
// (`reserved_at_ms`) so it is not told to wait again, and unclaimed (no attempt of it is in
// flight: the log shows none).
import { checkRateLimit, throttleAdmit, throttleObserve, throttleReset } from "hookline";
import { fromJson, listSql } from "./driver.js";
import { invalid } from "./endpoints.js";

/** What a 429 or a 503 tells the bucket; any other answer leaves it alone. */
const SLOWING = new Set([429, 503]);

/** The stored bucket as the text a swap compares, marked with the claim that wrote it. */
const bucketText = (throttle, by) => JSON.stringify({ ...throttle, by });

/**
 * The endpoint fields of a rate limit (`rateLimit`, `rateLimitBurst`) from a create or an update
 * of `row` (the stored endpoint, on update), checked by the core: `{ columns }` to store, or `{}`
 * when the input leaves the limit alone. `rateLimit: null` removes it. A new limit starts a new
 * bucket (waits given under the old one no longer hold).
 */
export function rateLimitColumns(input, row, now) {
  const { rateLimit, rateLimitBurst } = input;
  if (rateLimit === undefined && rateLimitBurst === undefined) return {};
  if (rateLimit === null) {
    if (rateLimitBurst !== undefined && rateLimitBurst !== null) throw invalid("rateLimitBurst needs a rateLimit");
    return { columns: { rate_limit: null, rate_limit_burst: null, throttle: JSON.stringify(throttleReset(now)) } };
  }
  const perSecond = rateLimit ?? (row?.rate_limit === null || row?.rate_limit === undefined ? undefined : Number(row.rate_limit));
  if (perSecond === undefined) throw invalid("rateLimitBurst needs a rateLimit");
  if (typeof perSecond !== "number" || (rateLimitBurst !== undefined && rateLimitBurst !== null && typeof rateLimitBurst !== "number")) {
    throw invalid("rateLimit must be a number of deliveries per second, rateLimitBurst a whole number");
  }
  // Fields left out of an update stay as they are: a new rate keeps the stored burst.
  const burst = rateLimitBurst ?? (row?.rate_limit_burst === null || row?.rate_limit_burst === undefined ? undefined : Number(row.rate_limit_burst));
  const limit = checkRateLimit(burst === undefined ? { rateLimit: perSecond } : { rateLimit: perSecond, rateLimitBurst: burst });
  return { columns: { rate_limit: limit.rateLimit, rate_limit_burst: limit.rateLimitBurst, throttle: JSON.stringify(throttleReset(now)) } };
}

/** A stored endpoint's rate limit as the API shows it. */
export const rateLimitView = (row) => ({
  rateLimit: row.rate_limit === null || row.rate_limit === undefined ? null : Number(row.rate_limit),
  rateLimitBurst: row.rate_limit === null || row.rate_limit === undefined ? null : Number(row.rate_limit_burst ?? 1),
});

/** Whether a claimed row is a throttled delivery about to be sent (a lost attempt sends nothing). */
export const gated = (r) => r.rate_limit !== null && r.rate_limit !== undefined && (r.lost_at_ms === null || r.lost_at_ms === undefined);

/** What putting a claimed delivery back unclaimed writes: no lease, no claim, no attempt in flight. */
const UNCLAIMED = "lease_until_ms = NULL, claim_token = NULL, claimed_at_ms = NULL";

/** The bucket of throttled endpoints over driver `sql`, with `clock` (unix ms). */
export function throttleGate({ sql, clock }) {
  const sqlite = sql.dialect === "sqlite";

  /** The core's decision for each endpoint's claimed rows: `[{ endpointId, old, next, starts: [[row, decision]] }]`. */
  function decide(rows, now, leaseMs) {
    const byEndpoint = new Map();
    for (const r of rows) {
      if (!byEndpoint.has(r.endpoint_id)) byEndpoint.set(r.endpoint_id, []);
      byEndpoint.get(r.endpoint_id).push(r);
    }
    return [...byEndpoint].map(([endpointId, list]) => {
      // Places in line first (their waits came earliest), then by due time.
      list.sort((a, b) => Number(a.next_attempt_at_ms) - Number(b.next_attempt_at_ms) || (a.id < b.id ? -1 : 1));
      const first = list[0];
      const limit = { rateLimit: Number(first.rate_limit), rateLimitBurst: Number(first.rate_limit_burst ?? 1) };
      const stored = first.throttle === null || first.throttle === undefined ? "{}" : typeof first.throttle === "string" ? first.throttle : JSON.stringify(first.throttle);
      const reserved = list.map((r) => (r.reserved_at_ms === null || r.reserved_at_ms === undefined ? null : Number(r.reserved_at_ms)));
      const admitted = throttleAdmit(limit, fromJson(stored), now, leaseMs, reserved);
      return { endpointId, old: stored, next: admitted.throttle, pace: admitted.pace, starts: list.map((r, i) => [r, admitted.starts[i]]) };
    });
  }

  /**
   * Store the decisions of claim `token` at `now`: each bucket swapped if it is still what was
   * read; where it is, the deliveries that start keep their claim and the others are put back
   * unclaimed, due at their wait. `{ swapped: Set of endpoint ids, started: [delivery id],
   * waited: [{ id, attempt, next_attempt_at_ms }] }`.
   */
  async function apply(decided, token, now) {
    const starts = [];
    const waits = [];
    for (const d of decided) {
      for (const [r, s] of d.starts) (s.kind === "start" ? starts : waits).push({ id: r.id, until: s.untilMs ?? null });
    }
    const buckets = decided.map((d) => [d.endpointId, d.old, bucketText(d.next, token)]);
    if (sqlite) {
      // Whether row `d`'s endpoint's bucket was swapped by this batch: its text is this claim's.
      const swapped = (d) => `EXISTS (SELECT 1 FROM hookline_endpoints e WHERE e.id = ${d}.endpoint_id AND e.throttle = json_extract($3, '$.' || json_quote(${d}.endpoint_id)))`;
      const T = "hookline_deliveries";
      const next = JSON.stringify(Object.fromEntries(buckets.map(([id, , text]) => [id, text])));
      const startIds = JSON.stringify(starts.map((x) => x.id));
      const out = await sql.batch([
        ...buckets.map(([id, old, text]) => ["UPDATE hookline_endpoints SET throttle = $3 WHERE id = $1 AND throttle = $2 RETURNING id", [id, old, text]]),
        [`UPDATE ${T} SET reserved_at_ms = NULL WHERE claim_token = $1 AND id IN (SELECT value FROM json_each($4)) AND ${swapped(T)} RETURNING id`, [token, now, next, startIds]],
        [`UPDATE ${T} SET next_attempt_at_ms = (SELECT json_extract(w.value, '$[1]') FROM json_each($4) w WHERE json_extract(w.value, '$[0]') = ${T}.id),
            reserved_at_ms = $2, ${UNCLAIMED}, updated_at_ms = $2
          WHERE claim_token = $1 AND id IN (SELECT json_extract(value, '$[0]') FROM json_each($4)) AND ${swapped(T)}
          RETURNING id, attempt, next_attempt_at_ms`, [token, now, next, JSON.stringify(waits.map((w) => [w.id, w.until]))]],
      ]);
      const swappedIds = new Set(buckets.filter((_, i) => out[i].length === 1).map(([id]) => id));
      return { swapped: swappedIds, started: out[buckets.length].map((r) => r.id), waited: out[buckets.length + 1] };
    }
    const all = [...starts, ...waits];
    const out = await sql.rows(
      `WITH swapped AS (
         UPDATE hookline_endpoints e SET throttle = t.next FROM unnest($1::text[], $2::jsonb[], $3::jsonb[]) AS t (id, old, next)
         WHERE e.id = t.id AND e.throttle = t.old RETURNING e.id
       ), moved AS (
         UPDATE hookline_deliveries c SET
           next_attempt_at_ms = COALESCE(x.until, c.next_attempt_at_ms),
           reserved_at_ms = CASE WHEN x.until IS NULL THEN NULL ELSE $6::bigint END,
           lease_until_ms = CASE WHEN x.until IS NULL THEN c.lease_until_ms END,
           claim_token = CASE WHEN x.until IS NULL THEN c.claim_token END,
           claimed_at_ms = CASE WHEN x.until IS NULL THEN c.claimed_at_ms END,
           updated_at_ms = $6
         FROM unnest($4::text[], $5::bigint[]) AS x (id, until)
         WHERE c.id = x.id AND c.claim_token = $7 AND c.endpoint_id IN (SELECT id FROM swapped)
         RETURNING c.id, c.attempt, c.next_attempt_at_ms, x.until IS NULL AS go
       )
       SELECT 'swapped' AS kind, id, NULL::int AS attempt, NULL::bigint AS next_attempt_at_ms, NULL::boolean AS go FROM swapped
       UNION ALL SELECT 'moved', id, attempt, next_attempt_at_ms, go FROM moved`,
      [buckets.map((b) => b[0]), buckets.map((b) => b[1]), buckets.map((b) => b[2]), all.map((x) => x.id), all.map((x) => x.until), now, token],
    );
    const moved = out.filter((r) => r.kind === "moved");
    return {
      swapped: new Set(out.filter((r) => r.kind === "swapped").map((r) => r.id)),
      started: moved.filter((r) => r.go).map((r) => r.id),
      waited: moved.filter((r) => !r.go),
    };
  }

  /** The buckets (and limits) of `endpointIds` as stored now, by id. */
  async function storedBuckets(endpointIds) {
    const { inList, listParam } = listSql(sql.dialect);
    const rows = await sql.rows(`SELECT id, rate_limit, rate_limit_burst, throttle FROM hookline_endpoints WHERE ${inList("id", 1)}`, [listParam(endpointIds)]);
    return new Map(rows.map((r) => [r.id, r]));
  }

  return {
    /**
     * Of the rows claim `token` took at `now` for `leaseMs`, the throttled ones (see `gated`) ask
     * their endpoint's bucket: those that start keep their claim and get the time to send them (`not_before_ms`: now, or a little ahead, within the lease); the others
     * are put back, due when the core says (`waiting`: `[{ deliveryId, attempt, atMs }]`);
     * `paces` holds each endpoint's pace, for the worker that sends them (`throttlePace`).
     * Where another claim took from a bucket meanwhile, it is read again and asked again (a few
     * times; then its deliveries are put back as they were, for the next claim). Returns
     * `{ rows, waiting }`: the rows to hand out and the waits.
     */
    async admit(rows, token, now, leaseMs) {
      let asking = rows.filter(gated);
      if (asking.length === 0) return { rows, waiting: [], paces: new Map() };
      const starting = new Set();
      const startAt = new Map();
      const paces = new Map();
      const waited = [];
      for (let round = 0, at = now; asking.length > 0 && round < 3; round++, at = clock()) {
        const decided = decide(asking, at, leaseMs - (at - now));
        for (const d of decided) {
          paces.set(d.endpointId, d.pace);
          for (const [r, s] of d.starts) if (s.kind === "start") startAt.set(r.id, s.atMs);
        }
        const done = await apply(decided, token, at);
        for (const id of done.started) starting.add(id);
        waited.push(...done.waited);
        asking = asking.filter((r) => !done.swapped.has(r.endpoint_id));
        if (asking.length === 0) break;
        const fresh = await storedBuckets([...new Set(asking.map((r) => r.endpoint_id))]);
        // A limit removed meanwhile: put back, for the next claim to take unthrottled.
        asking = asking.filter((r) => fresh.get(r.endpoint_id)?.rate_limit != null).map((r) => ({ ...r, ...fresh.get(r.endpoint_id), id: r.id }));
      }
      const waitedIds = new Set(waited.map((w) => w.id));
      const left = rows.filter(gated).filter((r) => !starting.has(r.id) && !waitedIds.has(r.id));
      if (left.length > 0) {
        await sql.rows(
          `UPDATE hookline_deliveries SET ${UNCLAIMED} WHERE claim_token = $1 AND ${listSql(sql.dialect).inList("id", 2)}`,
          [token, listSql(sql.dialect).listParam(left.map((r) => r.id))],
        );
      }
      const asked = new Set(rows.filter(gated).map((r) => r.id));
      return {
        rows: rows.filter((r) => !asked.has(r.id) || starting.has(r.id)).map((r) => (starting.has(r.id) ? { ...r, not_before_ms: startAt.get(r.id) } : r)),
        waiting: waited.map((w) => ({ deliveryId: w.id, attempt: Number(w.attempt), atMs: Number(w.next_attempt_at_ms) })),
        paces,
      };
    },

    /**
     * Fold the 429s and 503s among completed `items` into their endpoints' buckets (the core's
     * slow-down), each by compare and swap, read again when another writer came first.
     */
    async observe(items) {
      const slowed = items.filter(({ record }) => SLOWING.has(record?.status));
      if (slowed.length === 0) return;
      const byEndpoint = new Map();
      for (const item of slowed) {
        if (!byEndpoint.has(item.job.endpointId)) byEndpoint.set(item.job.endpointId, []);
        byEndpoint.get(item.job.endpointId).push(item.record);
      }
      const now = clock();
      for (const [endpointId, records] of byEndpoint) {
        for (let tries = 0; tries < 4; tries++) {
          const [row] = await sql.rows("SELECT throttle FROM hookline_endpoints WHERE id = $1 AND rate_limit IS NOT NULL", [endpointId]);
          if (!row) break;
          const old = typeof row.throttle === "string" ? row.throttle : JSON.stringify(row.throttle);
          let next = fromJson(old);
          for (const r of records) next = throttleObserve(next, { status: r.status, retryAfter: r.responseHeaders?.["retry-after"] }, r.attemptedAtMs, now);
          const text = bucketText(next, fromJson(old).by ?? null);
          const done = await sql.rows(`UPDATE hookline_endpoints SET throttle = $3 WHERE id = $1 AND throttle = $2${sqlite ? "" : "::jsonb"} RETURNING id`, [endpointId, old, text]);
          if (done.length === 1) break;
        }
      }
    },
  };
}
