// `hookline/dedupe`: a receiver's dedupe stores, for `verifyRequest(request, { secret, dedupe })`
// and the middleware. The core chose each key and how long it is held; a store holds a key in
// two steps: `claim(key, leaseUntilMs)` while the delivery is being handled (true when it is
// now claimed, false when it was handled before, "pending" while another request handles it),
// then `complete(key, untilMs)` once it was handled, or `release(key, leaseUntilMs)` when handling
// it failed, so the sender's retry is handled: only the claim made with that lease (a handler that
// outlived its lease must not release the claim the sender's retry made since). This entry imports nothing of the sender: a receiver that
// adds dedupe loads the error classes and, for the database store, the store's driver and
// migrations (SQL text), nothing more.
import { HooklineError } from "hookline/errors";
import { driverFor } from "./store/driver.js";
import { migrate } from "./store/migrations/index.js";

const MAX_DEDUPE_KEY = 512;
const invalid = (message) => new HooklineError("invalid_argument", message);

function checkKey(key) {
  if (typeof key !== "string" || key.length === 0 || key.length > MAX_DEDUPE_KEY || key.includes("\u0000")) {
    throw invalid(`dedupe: key must be a string of 1 to ${MAX_DEDUPE_KEY} characters, without NUL`);
  }
}

function checkClaim(key, untilMs) {
  checkKey(key);
  if (!Number.isFinite(untilMs) || untilMs <= 0) throw invalid("dedupe: the time must be unix milliseconds");
}

/**
 * Dedupe on PostgreSQL, PGlite or D1 (the store's database and migrations): a claim is one
 * INSERT ... ON CONFLICT, atomic whatever the concurrency; an expired key is claimed again. A
 * claim being handled keeps its lease negated in `expires_at_ms` (pending), a handled delivery
 * its expiry (done): the table needs no other column.
 */
export function createDedupe({ db, clock = () => Date.now() } = {}) {
  const sql = driverFor(db);
  return {
    migrate: () => migrate(sql, clock),
    async claim(key, leaseUntilMs) {
      checkClaim(key, leaseUntilMs);
      const rows = await sql.rows(
        `INSERT INTO hookline_dedupe (key, expires_at_ms) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET expires_at_ms = excluded.expires_at_ms WHERE abs(hookline_dedupe.expires_at_ms) <= $3
         RETURNING key`,
        [key, -Math.trunc(leaseUntilMs), clock()],
      );
      if (rows.length === 1) return true;
      const held = await sql.rows("SELECT expires_at_ms FROM hookline_dedupe WHERE key = $1", [key]);
      // Released or expired between the two statements: another request has it, or will.
      return held.length === 1 && Number(held[0].expires_at_ms) > 0 ? false : "pending";
    },
    async complete(key, untilMs) {
      checkClaim(key, untilMs);
      await sql.rows("UPDATE hookline_dedupe SET expires_at_ms = $2 WHERE key = $1 RETURNING key", [key, Math.trunc(untilMs)]);
    },
    async release(key, leaseUntilMs) {
      checkKey(key);
      if (leaseUntilMs === undefined) {
        await sql.rows("DELETE FROM hookline_dedupe WHERE key = $1 AND expires_at_ms < 0 RETURNING key", [key]);
        return;
      }
      checkClaim(key, leaseUntilMs);
      await sql.rows("DELETE FROM hookline_dedupe WHERE key = $1 AND expires_at_ms = $2 RETURNING key", [key, -Math.trunc(leaseUntilMs)]);
    },
    /** Forget expired keys; how many. */
    async prune() {
      return (await sql.rows("DELETE FROM hookline_dedupe WHERE abs(expires_at_ms) <= $1 RETURNING key", [clock()])).length;
    },
  };
}

/**
 * Dedupe in this process's memory, for one instance: at most `maxEntries` keys (default
 * 100,000); past that the oldest claims are forgotten first, so size it above the deliveries
 * of one retention period.
 */
export function memoryDedupe({ maxEntries = 100_000, clock = () => Date.now() } = {}) {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw invalid("memoryDedupe: maxEntries must be a whole number of 1 or more");
  const held = new Map(); // key -> { until, done }, in claim order
  return {
    claim(key, leaseUntilMs) {
      checkClaim(key, leaseUntilMs);
      const now = clock();
      const entry = held.get(key);
      if (entry !== undefined && entry.until > now) return entry.done ? false : "pending";
      held.delete(key);
      held.set(key, { until: leaseUntilMs, done: false });
      // A few of the oldest claims per call: expired ones go, and the bound holds.
      for (let i = 0; i < 4 || held.size > maxEntries; i++) {
        const first = held.entries().next();
        if (first.done || (held.size <= maxEntries && first.value[1].until > now)) break;
        held.delete(first.value[0]);
      }
      return true;
    },
    complete(key, untilMs) {
      checkClaim(key, untilMs);
      const entry = held.get(key);
      if (entry !== undefined) held.set(key, { until: untilMs, done: true });
    },
    release(key, leaseUntilMs) {
      checkKey(key);
      const entry = held.get(key);
      if (entry?.done === false && (leaseUntilMs === undefined || entry.until === leaseUntilMs)) held.delete(key);
    },
    get size() {
      return held.size;
    },
  };
}

/**
 * Dedupe on Workers KV. KV is eventually consistent and has no insert-if-absent, so two
 * deliveries of one id at the same moment (in different locations) can both pass: best effort.
 * Use `createDedupe` on D1 where a duplicate must never pass.
 */
export function kvDedupe(namespace, { prefix = "hookline-dedupe:" } = {}) {
  if (!namespace || typeof namespace.get !== "function" || typeof namespace.put !== "function" || typeof namespace.delete !== "function") {
    throw invalid("kvDedupe: pass a Workers KV namespace binding");
  }
  // KV keeps a key at least 60 s.
  const expiration = (untilMs) => Math.max(Math.ceil(untilMs / 1000), Math.ceil(Date.now() / 1000) + 60);
  return {
    async claim(key, leaseUntilMs) {
      checkClaim(key, leaseUntilMs);
      const state = await namespace.get(prefix + key);
      if (state !== null) return state.startsWith("pending") ? "pending" : false;
      await namespace.put(prefix + key, `pending:${Math.trunc(leaseUntilMs)}`, { expiration: expiration(leaseUntilMs) });
      return true;
    },
    async complete(key, untilMs) {
      checkClaim(key, untilMs);
      await namespace.put(prefix + key, "done", { expiration: expiration(untilMs) });
    },
    async release(key, leaseUntilMs) {
      checkKey(key);
      const state = await namespace.get(prefix + key);
      const mine = leaseUntilMs === undefined ? state?.startsWith("pending") : state === `pending:${Math.trunc(leaseUntilMs)}`;
      if (mine) await namespace.delete(prefix + key);
    },
  };
}
