// Types of `hookline/store`: the endpoint registry on PostgreSQL and PGlite.
import type { EndpointHealth, TargetOptions } from "./index.js";

/** An endpoint as the store shows it: never its secret. */
export interface StoredEndpoint {
  id: string;
  owner: string;
  url: string;
  description: string;
  eventTypes: string[];
  channels: string[];
  enabled: boolean;
  /** Goes up by one at each rotation; jobs carry it so `keysFor` signs with the right secrets. */
  secretVersion: number;
  health: EndpointHealth;
  createdAtMs: number;
  updatedAtMs: number;
}

/** The fields of `createEndpoint` (url required) and `updateEndpoint`. */
export interface EndpointFields {
  url?: string;
  description?: string;
  eventTypes?: string[];
  channels?: string[];
  enabled?: boolean;
}

/** Options of `createStore`. */
export interface StoreOptions {
  /** A PGlite instance, a pg `Pool` or a pg `Client` (anything with PostgreSQL's `query(text, params)`). */
  db: { query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }> };
  /**
   * AES-256-GCM key(s) sealing secrets at rest: one base64 32-byte key, or `{ current, keys }` to
   * rotate (add the new key as `current`, keep the old one listed, call `reseal()`).
   */
  encryptionKey: string | { current: string; keys: Record<string, string> };
  /** Default 50; enforced atomically, whatever the concurrency. */
  maxEndpointsPerOwner?: number;
  /** How long a rotated-out secret keeps signing beside the new one; default 24 h. */
  graceMs?: number;
  /** The SSRF guard applied to registered URLs (as the dispatcher's `ssrf`); false: parse only. */
  ssrf?: TargetOptions | false;
  /** Unix ms; default Date.now. */
  clock?: () => number;
}

/** The endpoint registry on PostgreSQL or PGlite, from `createStore`. */
export interface Store {
  /** Apply the migrations the database lacks (one migrator at a time); the versions applied. */
  migrate(): Promise<number[]>;
  /** Register an endpoint: the only time its secret is returned. `endpoint_limit` past the cap. */
  createEndpoint(owner: string, fields: EndpointFields & { url: string }): Promise<{ endpoint: StoredEndpoint; secret: string }>;
  /** One endpoint of `owner`; `not_found` otherwise. */
  getEndpoint(owner: string, id: string): Promise<StoredEndpoint>;
  /** An owner's endpoints in creation order, a page at a time (`limit` 1 to 100, default 20). */
  listEndpoints(owner: string, page?: { limit?: number; cursor?: string | null }): Promise<{ data: StoredEndpoint[]; nextCursor: string | null }>;
  /** Change fields; `updatedAtMs` records when. */
  updateEndpoint(owner: string, id: string, fields: EndpointFields): Promise<StoredEndpoint>;
  /** Remove an endpoint (and its place under the cap). */
  deleteEndpoint(owner: string, id: string): Promise<void>;
  /** A new secret, returned once; the previous one signs beside it for `graceMs`. */
  rotateSecret(owner: string, id: string, options?: { graceMs?: number }): Promise<{ endpoint: StoredEndpoint; secret: string }>;
  /** The dispatcher's `resolveKeys`: the secrets that sign for the endpoint now. */
  keysFor(endpointId: string, secretVersion?: string | number): Promise<{ secrets: string[] }>;
  /** Seal every secret again with the current encryption key; how many rows changed. */
  reseal(): Promise<number>;
}

/** The endpoint registry on PostgreSQL or PGlite (the same SQL); throws `invalid_argument` for bad options. */
export function createStore(options: StoreOptions): Promise<Store>;

/** The store's versioned SQL migrations, for tools that apply migrations themselves. */
export const storeMigrations: { version: number; name: string; sql: string }[];

