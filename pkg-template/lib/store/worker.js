// Running deliveries: the worker `hookline serve` runs (claim as slots free, attempt, record in
// batches), one claim-attempt-record round for a sweep, and a queue consumer's round. I/O only:
// the dispatcher and the core decide each attempt; the store's claim keeps one holder per
// delivery. Faults are part of the contract: a lost database connection is reported and
// retried with backoff, never a crash, and one endpoint cannot hold every slot.
import { checkLease, throttlePace } from "hookline";
import { listSql } from "./driver.js";
import { invalid, plausibleId } from "./endpoints.js";

const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 5_000;
// A throttled job that waited longer than this for its start is read again before it goes.
const REFRESH_AFTER_MS = 20;

/**
 * Throttled deliveries' starts (`notBeforeMs`, given by their endpoint's bucket, within their
 * lease): `pace(job, paces)` resolves when the job may go. One endpoint's jobs go in the order of
 * their starts, and the core (`throttlePace`) says when, from the times the ones before really
 * went out: a timer that fired late (a busy process) makes the next ones late too, caught up by
 * the burst's tolerance at most, never a burst of its own.
 */
function pacer(clock, refresh) {
  const endpoints = new Map();
  return (job, paces) => {
    const pace = paces?.get(job.endpointId);
    if (job.notBeforeMs === undefined || !pace) return null;
    if (endpoints.size > 10_000) endpoints.clear();
    const last = endpoints.get(job.endpointId);
    const next = { sent: undefined, wentAt: undefined, done: null };
    next.done = (last?.done ?? Promise.resolve()).then(async () => {
      const paced = throttlePace(pace, last?.sent, job.notBeforeMs, last?.wentAt);
      const wait = paced.atMs - clock();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      next.sent = paced.sent;
      next.wentAt = clock();
    });
    endpoints.set(job.endpointId, next);
    // A job that waited is read again before it goes (its endpoint may have been disabled or
    // deleted meanwhile); a failed read leaves it as claimed (its attempt is judged then).
    const handed = clock();
    return next.done.then(() => (clock() - handed > REFRESH_AFTER_MS ? refresh(job).catch(() => {}) : undefined));
  };
}

/** The rounds over `log` (claim and record), `sql` and `clock`. */
export function runners({ log, sql, clock }) {
  const { inList, listParam } = listSql(sql.dialect);

  /**
   * PostgreSQL plans a claim from the statistics of the deliveries table: taken when the table
   * was small (a new database, a burst after a quiet spell), they make it read and sort every due
   * delivery at each claim instead of walking the due index to the few it takes (measured: 9 ms a
   * claim over a backlog of 20,000, 0.5 ms after ANALYZE). Autovacuum refreshes them within a
   * minute or so; the worker does not wait: it asks for ANALYZE after its first 500 claimed
   * deliveries and again each time the count doubles, at most once every 10 s. A role that may
   * not analyze the table is left to autovacuum. `{ claimed(n), busy() }`: `stop()` waits for
   * one under way.
   */
  const statistics = () => {
    let next = 500;
    let claimed = 0;
    let lastAtMs = -Infinity;
    let allowed = sql.dialect === "postgres";
    let running = false;
    return {
      claimed(n) {
        claimed += n;
        if (!allowed || running || claimed < next || clock() - lastAtMs < 10_000) return;
        next = claimed * 2;
        lastAtMs = clock();
        running = true;
        sql.rows("ANALYZE hookline_deliveries").then(
          () => (running = false),
          () => ((running = false), (allowed = false)),
        );
      },
      busy: () => running,
    };
  };

  /**
   * One claim-attempt-record round through `dispatcher` (made with `resolveKeys:
   * store.keysFor`): `{ claimed, completed, retries }`, where `retries` lists the deliveries due
   * again, `[{ deliveryId, attempt, atMs }]`, for a queue that carries delivery ids: the
   * attempts' retries, the deliveries a throttled endpoint's bucket put back, and the ordered
   * deliveries that became their key's head.
   */
  async function deliverDue(dispatcher, options = {}) {
    const { jobs, waiting, paces } = await log.claimJobs(options);
    const pace = pacer(clock, log.refreshJob);
    const attempted = [];
    await Promise.all(
      jobs.map(async (job) => {
        try {
          await pace(job, paces);
          attempted.push({ job, ...(await dispatcher.attempt(job)) });
        } catch {
          // Not the endpoint's doing (the dispatcher itself failed): the lease runs out and
          // the next claim records the attempt as lost.
        }
      }),
    );
    const { moved: completed, promoted } = await log.record(attempted);
    const retries = [...waiting, ...promoted];
    attempted.forEach(({ job, plan }, i) => {
      if (completed[i] && plan.kind === "retry") retries.push({ deliveryId: job.deliveryId, attempt: plan.attempt, atMs: plan.atMs });
    });
    return { claimed: jobs.length, completed: completed.filter(Boolean).length, retries };
  }

  /**
   * The queue consumer's round: `messages` are `{ deliveryId, attempt }` as a queue carried
   * them. A message whose delivery ended, moved to another attempt or is leased by a worker
   * now is stale and dropped (the holder of the lease goes on); one not due yet comes back in
   * `later`; the rest are claimed, attempted and recorded. Returns `{ completed, later }`,
   * `later` being `[{ deliveryId, attempt, atMs }]` to send to the queue again (retries
   * included), so a queue carries ids and attempt numbers, never a secret or a body.
   */
  async function deliverQueued(dispatcher, messages, options = {}) {
    if (!Array.isArray(messages) || messages.length > 1000) throw invalid("deliverQueued: messages must be an array of at most 1000 { deliveryId, attempt }");
    const wanted = new Map();
    for (const m of messages) {
      if (plausibleId(m?.deliveryId) && Number.isInteger(m.attempt)) wanted.set(m.deliveryId, m.attempt);
    }
    if (wanted.size === 0) return { completed: 0, later: [] };
    const now = clock();
    const pending = await sql.rows(`SELECT id, attempt, next_attempt_at_ms, lease_until_ms, held FROM hookline_deliveries WHERE state = 'pending' AND ${inList("id", 1)}`, [listParam([...wanted.keys()])]);
    const later = [];
    const due = [];
    for (const r of pending) {
      if (Number(r.attempt) !== wanted.get(r.id)) continue; // stale: another message carries this delivery now
      if (r.lease_until_ms !== null && Number(r.lease_until_ms) > now) continue; // a worker holds it
      if (r.held === true || r.held === 1) continue; // behind its key's head: sent again when promoted
      if (Number(r.next_attempt_at_ms) > now) later.push({ deliveryId: r.id, attempt: Number(r.attempt), atMs: Number(r.next_attempt_at_ms) });
      else due.push(r.id);
    }
    if (due.length === 0) return { completed: 0, later };
    const round = await deliverDue(dispatcher, { ...options, ids: due, limit: due.length });
    return { completed: round.completed, later: [...later, ...round.retries] };
  }

  /**
   * A delivery worker that keeps up to `concurrency` attempts in flight (default the
   * dispatcher's, or 32 for one without a bound), at most `perEndpointConcurrency` (default the
   * dispatcher's, or half of `concurrency`) to one endpoint, and at most `perTenantConcurrency`
   * (default three quarters of `concurrency`) to one tenant's endpoints together, so a hanging
   * endpoint, or a tenant whose endpoints all hang, holds its own share and every other tenant's
   * deliveries go on. Neither of the first two may be more than the dispatcher's:
   * a claimed delivery that waited in the dispatcher's queue would outlive its lease (another
   * claim would record a live attempt as lost, and both would be sent). It claims as slots free up,
   * records finished attempts together every few milliseconds, and polls every `idleMs`
   * (default 100) when nothing is due. The dispatcher's request timeout must fit in half the
   * lease (the core's rule). While the database cannot be reached it backs off (up to 5 s),
   * tells `onError` once per outage and `onRecover` when it is back, and `status()` says so.
   * `stop()` stops claiming and resolves once every attempt in flight is recorded (or given up
   * to its lease).
   */
  function startWorker(dispatcher, options = {}) {
    if (typeof dispatcher?.attempt !== "function") throw invalid("startWorker: dispatcher must come from createDispatcher");
    const bound = (n) => (Number.isInteger(n) && n >= 1 ? n : Infinity);
    const dispatcherSlots = bound(dispatcher.concurrency);
    const dispatcherPerEndpoint = bound(dispatcher.perEndpointConcurrency);
    const { concurrency = Math.min(dispatcherSlots, dispatcherSlots === Infinity ? 32 : 1000), leaseMs = 60_000, idleMs = 100, onError = () => {}, onRecover = () => {} } = options;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000) throw invalid("startWorker: concurrency must be a whole number from 1 to 1000");
    // The dispatcher's own default: half the slots at most to one endpoint.
    const perEndpoint = options.perEndpointConcurrency ?? Math.min(dispatcherPerEndpoint, Math.max(1, Math.ceil(concurrency / 2)));
    if (!Number.isInteger(perEndpoint) || perEndpoint < 1) throw invalid("startWorker: perEndpointConcurrency must be a whole number of 1 or more");
    if (concurrency > dispatcherSlots) {
      throw invalid(`startWorker: concurrency ${concurrency} is more than the dispatcher's ${dispatcherSlots}: claimed deliveries would wait past their lease (give createDispatcher the same concurrency)`);
    }
    const perTenant = options.perTenantConcurrency ?? Math.ceil((concurrency * 3) / 4);
    if (!Number.isInteger(perTenant) || perTenant < 1) throw invalid("startWorker: perTenantConcurrency must be a whole number of 1 or more");
    if (perEndpoint > dispatcherPerEndpoint) {
      throw invalid(`startWorker: perEndpointConcurrency ${perEndpoint} is more than the dispatcher's ${dispatcherPerEndpoint}: claimed deliveries would wait past their lease (give createDispatcher the same perEndpointConcurrency)`);
    }
    if (!Number.isInteger(idleMs) || idleMs < 1) throw invalid("startWorker: idleMs must be a whole number of milliseconds");
    if (!Number.isInteger(leaseMs) || leaseMs < 1) throw invalid("startWorker: leaseMs must be a whole number of milliseconds");
    // An attempt must end well inside its lease, or a second worker could take the delivery.
    if (typeof dispatcher.timeoutMs === "number") checkLease(leaseMs, dispatcher.timeoutMs);
    let stopping = false;
    const stats = statistics();
    let inFlight = 0;
    const perEndpointInFlight = new Map();
    const perTenantInFlight = new Map();
    const pace = pacer(clock, log.refreshJob);
    let wake = null;
    // When throttled endpoints' buckets put deliveries back to (the earliest 256): claim again then.
    let waits = [];
    const nap = (ms) =>
      new Promise((r) => {
        const timer = setTimeout(r, ms);
        wake = () => (clearTimeout(timer), r());
      });
    const signal = () => wake?.();
    const health = { database: "ok", since: clock(), error: null, lastClaimAtMs: null, lastLoopAtMs: null };
    let backoff = 0;
    const failed = (e) => {
      if (health.database === "ok") {
        health.database = "unavailable";
        health.since = clock();
        health.error = e?.code ?? "error";
        safely(onError, e);
      }
      backoff = Math.min(BACKOFF_MAX_MS, Math.max(BACKOFF_MIN_MS, backoff * 2));
    };
    const succeeded = () => {
      backoff = 0;
      if (health.database !== "ok") {
        health.database = "ok";
        health.since = clock();
        health.error = null;
        safely(onRecover);
      }
    };

    // Finished attempts are recorded together (group commit): a batch is written at once when
    // fewer than two writes are under way, else it gathers until one ends (or 64 wait); each
    // attempt's promise settles once its own batch is written. A batch the database refuses is
    // tried again, with backoff, while its leases last.
    const WRITERS = 2;
    let writing = 0;
    let current = null;
    const flushBatch = async (c) => {
      if (c.flushed) return;
      c.flushed = true;
      if (current === c) current = null;
      writing++;
      const until = Math.min(...c.items.map((i) => i.job.leaseUntilMs));
      for (let wait = BACKOFF_MIN_MS; ; wait = Math.min(BACKOFF_MAX_MS, wait * 2)) {
        try {
          await log.completeAll(c.items);
          succeeded();
          break;
        } catch (e) {
          failed(e);
          // Unrecorded when the leases run out: the next claim records the attempts as lost.
          if (clock() + wait >= until) break;
          await new Promise((r) => setTimeout(r, wait));
        }
      }
      writing--;
      c.resolve();
      // What gathered meanwhile goes now.
      if (current && !current.queued) queueFlush(current);
    };
    // A batch goes after the current turn of the event loop, so that the attempts finishing
    // together are written together.
    const queueFlush = (c) => {
      c.queued = true;
      setImmediate(() => {
        c.queued = false;
        if (!c.flushed && (writing < WRITERS || c.items.length >= 64)) flushBatch(c);
      });
    };
    const record = (item) => {
      // One statement records a delivery once: a second record of it (an attempt that came back
      // after its lease, beside the next claim's record of it as lost) goes in the next batch.
      if (current?.ids.has(item.job.deliveryId)) flushBatch(current);
      if (!current) {
        const c = { items: [], ids: new Set(), flushed: false, queued: false };
        c.done = new Promise((r) => (c.resolve = r));
        current = c;
      }
      const c = current;
      c.items.push(item);
      c.ids.add(item.job.deliveryId);
      if (c.items.length >= 64) flushBatch(c);
      else if (!c.queued && writing < WRITERS) queueFlush(c);
      return c.done;
    };
    // A slot is an attempt in flight: it frees when the attempt's answer is in, while its record
    // waits for its batch. The records waiting are bounded too: nothing more is claimed while the
    // attempts in flight and the records waiting reach twice the slots (a slow database slows
    // the claims, never grows memory).
    let unrecorded = 0;
    // A throttled job waiting for its start holds no slot (as a retry waiting for its time): it
    // takes one when it starts. Such waits last a second at most (the core's horizon).
    let scheduled = 0;
    const takeSlot = (job) => {
      inFlight++;
      perEndpointInFlight.set(job.endpointId, (perEndpointInFlight.get(job.endpointId) ?? 0) + 1);
      perTenantInFlight.set(job.owner, (perTenantInFlight.get(job.owner) ?? 0) + 1);
    };
    const count = (map, key) => {
      const left = (map.get(key) ?? 1) - 1;
      if (left > 0) map.set(key, left);
      else map.delete(key);
    };
    const attemptOne = async (job, paces, later) => {
      if (later) {
        scheduled++;
        try {
          await pace(job, paces);
        } finally {
          scheduled--;
          takeSlot(job);
        }
      }
      let item = null;
      try {
        if (!later) await pace(job, paces);
        item = { job, ...(await dispatcher.attempt(job)) };
      } catch (e) {
        // The dispatcher itself failed: the lease runs out and the attempt is recorded as lost.
        safely(onError, e);
      } finally {
        inFlight--;
        count(perEndpointInFlight, job.endpointId);
        count(perTenantInFlight, job.owner);
        if (item) unrecorded++;
        signal();
      }
      if (!item) return;
      try {
        await record(item);
      } finally {
        unrecorded--;
        signal();
      }
    };
    const loop = (async () => {
      while (!stopping) {
        // A readiness check asks when the loop last turned (it turns at least every idleMs,
        // or every backoff while the database is away).
        health.lastLoopAtMs = clock();
        const room = Math.min(concurrency - inFlight, 2 * concurrency - inFlight - unrecorded);
        // Claim when a quarter of the slots are free, not one slot at a time.
        if (room < Math.max(1, Math.floor(concurrency / 4))) {
          await nap(idleMs);
          continue;
        }
        let jobs = [];
        let paces = null;
        try {
          const claimed = await log.claimJobs({ limit: room, leaseMs, perEndpoint, inFlight: perEndpointInFlight, perTenant, tenantInFlight: perTenantInFlight });
          jobs = claimed.jobs;
          paces = claimed.paces;
          if (claimed.waiting.length) waits = [...waits, ...claimed.waiting.map((w) => w.atMs)].sort((a, b) => a - b).slice(0, 256);
          health.lastClaimAtMs = clock();
          stats.claimed(jobs.length);
          succeeded();
        } catch (e) {
          failed(e);
          await nap(backoff);
          continue;
        }
        if (stopping && jobs.length === 0) break;
        const now = clock();
        for (const job of jobs) {
          const later = job.notBeforeMs !== undefined && job.notBeforeMs > now;
          if (!later) takeSlot(job);
          attemptOne(job, paces, later);
        }
        // A claim that came back short took all that may go now (what is due, within each
        // endpoint's room): the next waits for a slot to free or for idleMs, never spins; or,
        // when a throttled endpoint's bucket gave a wait that ends sooner, until then.
        if (jobs.length < room) {
          const at = clock();
          waits = waits.filter((t) => t > at);
          await nap(Math.max(1, Math.min(idleMs, (waits[0] ?? Infinity) - at)));
        }
      }
      // Every attempt in flight (or waiting for its start) finishes and its record is written
      // before stop() resolves.
      while (inFlight > 0 || scheduled > 0 || unrecorded > 0 || stats.busy()) await nap(50);
    })();
    return {
      stop() {
        stopping = true;
        signal();
        return loop;
      },
      /**
       * `{ running, database: "ok" | "unavailable", since, error, inFlight, lastClaimAtMs,
       * lastLoopAtMs, idleMs, concurrency }`: whether the worker can reach its database (since
       * when, and the error code that says why not) and when its loop last turned, for a
       * readiness check (`store.health({ worker })`).
       */
      status() {
        return { running: !stopping, ...health, inFlight, idleMs, concurrency };
      },
    };
  }

  return { deliverDue, deliverQueued, startWorker };
}

/** Call a caller's hook; what it throws is its own business, never the worker's end. */
function safely(fn, ...args) {
  try {
    const r = fn(...args);
    if (r && typeof r.catch === "function") r.catch(() => {});
  } catch {
    // the hook failed; the worker goes on
  }
}
