// `hookline/dedupe`: a receiver's dedupe stores, for `verifyRequest(request, { secret, dedupe })`
// and the middleware. The core chose each key and how long it is held; a store only answers
// whether it already held the key. This entry imports nothing of the sender: a receiver that
// adds dedupe loads the error classes and, for the database store, the store's driver and
// migrations (SQL text), nothing more.
import { HooklineError } from "hookline/errors";
import { driverFor } from "./store/driver.js";
import { migrate } from "./store/migrations/index.js";

const MAX_DEDUPE_KEY = 512;
const invalid = (message) => new HooklineError("invalid_argument", message);

function checkClaim(key, expiresAtMs) {
  if (typeof key !== "string" || key.length === 0 || key.length > MAX_DEDUPE_KEY || key.includes("\u0000")) {
    throw invalid(`dedupe: key must be a string of 1 to ${MAX_DEDUPE_KEY} characters, without NUL`);
  }
  if (!Number.isFinite(expiresAtMs)) throw invalid("dedupe: expiresAtMs must be unix milliseconds");
}

/**
 * Dedupe on PostgreSQL, PGlite or D1 (the store's database and migrations): a claim is one
 * INSERT ... ON CONFLICT, atomic whatever the concurrency; an expired key is claimed again.
 */
export function createDedupe({ db, clock = () => Date.now() } = {}) {
  const sql = driverFor(db);
  return {
    migrate: () => migrate(sql, clock),
    async claim(key, expiresAtMs) {
      checkClaim(key, expiresAtMs);
      const rows = await sql.rows(
        `INSERT INTO hookline_dedupe (key, expires_at_ms) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET expires_at_ms = excluded.expires_at_ms WHERE hookline_dedupe.expires_at_ms <= $3
         RETURNING key`,
        [key, Math.trunc(expiresAtMs), clock()],
      );
      return rows.length === 1;
    },
    /** Forget expired keys; how many. */
    async prune() {
      return (await sql.rows("DELETE FROM hookline_dedupe WHERE expires_at_ms <= $1 RETURNING key", [clock()])).length;
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
  const held = new Map(); // key -> expiresAtMs, in claim order
  return {
    claim(key, expiresAtMs) {
      checkClaim(key, expiresAtMs);
      const now = clock();
      const until = held.get(key);
      if (until !== undefined && until > now) return false;
      held.delete(key);
      held.set(key, expiresAtMs);
      // A few of the oldest claims per call: expired ones go, and the bound holds.
      for (let i = 0; i < 4 || held.size > maxEntries; i++) {
        const first = held.entries().next();
        if (first.done || (held.size <= maxEntries && first.value[1] > now)) break;
        held.delete(first.value[0]);
      }
      return true;
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
  if (!namespace || typeof namespace.get !== "function" || typeof namespace.put !== "function") throw invalid("kvDedupe: pass a Workers KV namespace binding");
  return {
    async claim(key, expiresAtMs) {
      checkClaim(key, expiresAtMs);
      if ((await namespace.get(prefix + key)) !== null) return false;
      // KV keeps a key at least 60 s.
      const expiration = Math.max(Math.ceil(expiresAtMs / 1000), Math.ceil(Date.now() / 1000) + 60);
      await namespace.put(prefix + key, "1", { expiration });
      return true;
    },
  };
}
