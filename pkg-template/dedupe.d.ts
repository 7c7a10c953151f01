// Types of `hookline/dedupe`: a receiver's dedupe stores. This entry imports nothing of the sender.
import type { StoreOptions } from "./store.js";

/**
 * A receiver's dedupe store for `verifyRequest(request, { secret, dedupe })`: a key is claimed
 * while its delivery is handled, then completed (handled) or released (handling failed).
 */
export interface Dedupe {
  /**
   * Hold `key` until `leaseUntilMs` while its delivery is handled: true when it is now claimed,
   * false when it was handled before, "pending" while another request handles it.
   */
  claim(key: string, leaseUntilMs: number): Promise<boolean | "pending"> | boolean | "pending";
  /** The delivery was handled: hold `key` until `untilMs`. */
  complete(key: string, untilMs: number): Promise<void> | void;
  /**
   * Handling the delivery failed: forget the claim made with `leaseUntilMs` (no other: a retry's
   * claim made since a lease ran out stays), so the sender's retry is handled.
   */
  release(key: string, leaseUntilMs?: number): Promise<void> | void;
}

/**
 * Dedupe on PostgreSQL, PGlite or D1 (the store's migrations, `hookline_dedupe`): each claim is
 * one atomic statement; `prune()` forgets expired keys.
 */
export function createDedupe(options: { db: StoreOptions["db"]; clock?: () => number }): Dedupe & {
  migrate(): Promise<number[]>;
  prune(): Promise<number>;
};

/** Dedupe in this process's memory: at most `maxEntries` keys (default 100,000), oldest forgotten first. */
export function memoryDedupe(options?: { maxEntries?: number; clock?: () => number }): Dedupe & { readonly size: number };

/**
 * Dedupe on a Workers KV namespace: best effort (KV is eventually consistent and has no
 * insert-if-absent); use `createDedupe` on D1 where a duplicate must never pass.
 */
export function kvDedupe(namespace: { get(key: string): Promise<string | null>; put(key: string, value: string, options?: { expiration?: number }): Promise<void>; delete(key: string): Promise<void> }, options?: { prefix?: string }): Dedupe;

