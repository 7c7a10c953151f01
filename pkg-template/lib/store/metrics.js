// What operators watch: readiness (`health()`), the figures a metrics scrape reads from the
// database (`stats()`), an endpoint's success rate and latency over time (`endpointStats()`),
// and the attempts this process records as they are written (`onAttempts`). I/O only: the core
// gives the readiness verdict (`readiness`) and reads stored health (`endpointHealth`); SQL
// counts. The Prometheus text itself is hookline/metrics' (prom-client).
import { endpointHealth, readiness } from "hookline";
import { invalid, plausibleId } from "./endpoints.js";

const MAX_BUCKETS = 200;
const HOUR = 3_600_000;

/** A JSON member of the `health` column as text, in the dialect's words. */
const healthField = (dialect, name) => (dialect === "sqlite" ? `json_extract(health, '$.${name}')` : `health ->> '${name}'`);
/** The `durationMs` of an attempt record as a number. */
const durationOf = (dialect) => (dialect === "sqlite" ? "json_extract(record, '$.durationMs')" : "(record ->> 'durationMs')::bigint");

/** Monitoring over driver `sql`, with `clock`, the endpoint `registry` and `keyReport()`. */
export function monitoring({ sql, clock, registry, keyReport }) {
  const listeners = new Set();
  const eventListeners = new Set();

  /** Call each listener; one that throws is its own business. */
  const each = (set, value) => {
    for (const fn of set) {
      try {
        fn(value);
      } catch {
        // a listener failed; the others and the worker go on
      }
    }
  };

  /**
   * The pending deliveries, those due now and not held by a worker, and when the oldest of
   * those was due; the tenants' endpoints by the state their stored health is in. One round trip
   * each.
   */
  async function stats() {
    const now = clock();
    const [pending] = await sql.rows(
      `SELECT count(*) AS pending,
              sum(CASE WHEN next_attempt_at_ms <= $1 AND (lease_until_ms IS NULL OR lease_until_ms <= $1) THEN 1 ELSE 0 END) AS due,
              min(CASE WHEN next_attempt_at_ms <= $1 AND (lease_until_ms IS NULL OR lease_until_ms <= $1) THEN next_attempt_at_ms END) AS oldest
       FROM hookline_deliveries WHERE state = 'pending'`,
      [now],
    );
    const groups = await sql.rows(
      `SELECT ${healthField(sql.dialect, "state")} AS state, ${healthField(sql.dialect, "disabledReason")} AS reason, count(*) AS n
       FROM hookline_endpoints WHERE owner <> '~operator' GROUP BY 1, 2`,
    );
    // The core reads each stored state (a new endpoint's `{}` is healthy).
    const endpoints = groups.map((g) => {
      const h = endpointHealth({ state: g.state ?? undefined, disabledReason: g.reason ?? null });
      return { state: h.state, reason: h.disabledReason, count: Number(g.n) };
    });
    return {
      atMs: now,
      pending: Number(pending?.pending ?? 0),
      due: Number(pending?.due ?? 0),
      oldestDueAtMs: pending?.oldest === null || pending?.oldest === undefined ? null : Number(pending.oldest),
      endpoints,
    };
  }

  return {
    stats,

    /** Listen to the attempts this process records: `listener([{ job, record, plan, state }])`. */
    onAttempts(listener) {
      if (typeof listener !== "function") throw invalid("onAttempts: listener must be a function");
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Listen to the operational events this process records (after onEndpointEvent). */
    onEndpointEvents(listener) {
      if (typeof listener !== "function") throw invalid("onEndpointEvents: listener must be a function");
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    /** What `completeAll` wrote: the items it moved on. */
    recorded(items, moved) {
      if (listeners.size === 0) return;
      const written = items.filter((_, i) => moved[i]);
      if (written.length) each(listeners, written);
    },
    /** An operational event this process recorded. */
    event(told) {
      each(eventListeners, told);
    },

    /**
     * Readiness, decided by the core from what this process sees now: the database (one query,
     * which also finds the oldest due delivery), the keys (`keyReport.missing`), and `worker`
     * (`startWorker`'s, if this process runs one). `policy`: `{ workerStalledAfterMs,
     * lateAfterMs }`. `{ status, ready, checks, oldestDueAgeMs, worker? }`; answer 503 unless
     * `ready`.
     */
    async health({ worker, policy } = {}) {
      if (worker !== undefined && typeof worker?.status !== "function") throw invalid("health: worker must be what startWorker returned");
      let oldestDueAtMs = null;
      let database = true;
      try {
        const now = clock();
        const [row] = await sql.rows(
          `SELECT min(next_attempt_at_ms) AS oldest FROM hookline_deliveries
           WHERE state = 'pending' AND next_attempt_at_ms <= $1 AND (lease_until_ms IS NULL OR lease_until_ms <= $1)`,
          [now],
        );
        oldestDueAtMs = row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest);
      } catch (e) {
        if (e?.code !== "database_unavailable") throw e;
        database = false;
      }
      const status = worker?.status();
      const keysMissing = Object.values(keyReport()?.missing ?? {}).reduce((n, c) => n + Number(c), 0);
      const facts = {
        nowMs: clock(),
        database,
        keysMissing,
        worker: status ? { running: status.running, database: status.database === "ok", lastLoopAtMs: status.lastLoopAtMs ?? null, idleMs: status.idleMs ?? 0 } : null,
        oldestDueAtMs,
      };
      const verdict = readiness(facts, policy);
      return status ? { ...verdict, worker: status } : verdict;
    },

    /**
     * An endpoint's attempts over time, for a chart: per bucket of `bucketMs` (default 1 h) from
     * `sinceMs` (default 24 h ago) to `untilMs` (default now), at most 200 buckets, the ended
     * attempts (all but `started`), how many were delivered (the success rate is their ratio),
     * and the mean and longest time to an answer of those that got one. Empty buckets are left
     * out. `{ sinceMs, untilMs, bucketMs, data: [{ atMs, attempts, delivered, answered,
     * meanDurationMs, maxDurationMs }] }`.
     */
    async endpointStats(owner, endpointId, { sinceMs, untilMs, bucketMs = HOUR } = {}) {
      await registry.getEndpoint(owner, endpointId);
      const until = untilMs ?? clock();
      const since = sinceMs ?? until - 24 * HOUR;
      for (const [name, v] of [["sinceMs", since], ["untilMs", until], ["bucketMs", bucketMs]]) {
        if (!Number.isSafeInteger(v) || v < 0) throw invalid(`${name} must be unix milliseconds (a whole number)`);
      }
      if (bucketMs < 1000) throw invalid("bucketMs must be at least 1000");
      if (until <= since || (until - since) / bucketMs > MAX_BUCKETS) throw invalid(`untilMs must be after sinceMs, at most ${MAX_BUCKETS} buckets of bucketMs later`);
      if (!plausibleId(endpointId)) throw invalid("endpoint id");
      const duration = durationOf(sql.dialect);
      // D1 binds numbers as reals: the bucket is made a whole number there.
      const bucket = sql.dialect === "sqlite" ? "CAST((attempted_at_ms - $2) / $4 AS INTEGER)" : "(attempted_at_ms - $2) / $4";
      const rows = await sql.rows(
        `SELECT ${bucket} AS bucket, count(*) AS attempts,
                sum(CASE WHEN outcome = 'delivered' THEN 1 ELSE 0 END) AS delivered,
                sum(CASE WHEN status IS NOT NULL THEN 1 ELSE 0 END) AS answered,
                avg(CASE WHEN status IS NOT NULL THEN ${duration} END) AS mean_ms,
                max(CASE WHEN status IS NOT NULL THEN ${duration} END) AS max_ms
         FROM hookline_attempts
         WHERE endpoint_id = $1 AND attempted_at_ms >= $2 AND attempted_at_ms < $3 AND outcome <> 'started'
         GROUP BY 1 ORDER BY 1`,
        [endpointId, since, until, bucketMs],
      );
      const num = (v) => (v === null || v === undefined ? null : Math.round(Number(v)));
      return {
        sinceMs: since,
        untilMs: until,
        bucketMs,
        data: rows.map((r) => ({
          atMs: since + Number(r.bucket) * bucketMs,
          attempts: Number(r.attempts),
          delivered: Number(r.delivered),
          answered: Number(r.answered),
          meanDurationMs: num(r.mean_ms),
          maxDurationMs: num(r.max_ms),
        })),
      };
    },
  };
}
