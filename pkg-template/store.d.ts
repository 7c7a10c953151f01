// Types of `hookline/store`: the endpoint registry, outbox and delivery log on PostgreSQL, PGlite and D1.
import type { AttemptRecord, DeliveryJob, DeliveryPlan, DeliveryState, Dispatcher, EndpointEvent, EndpointHealth, EndpointStatus, Readiness, ReadinessPolicy, TargetOptions } from "./index.js";

/** What the store needs of a Cloudflare D1 database binding. */
export interface D1Like {
  prepare(query: string): { bind(...values: unknown[]): unknown };
  batch(statements: unknown[]): Promise<{ results?: unknown[] }[]>;
}

/** A queue message of the durable sender: a delivery and the attempt it is for, nothing else. */
export interface DeliveryMessage {
  deliveryId: string;
  attempt: number;
}

/** A delivery to put back on a queue: due again at `atMs` (unix ms) for `attempt`. */
export interface LaterDelivery extends DeliveryMessage {
  atMs: number;
}

/** Options of `claimDue` and `deliverDue`. */
export interface ClaimOptions {
  /** Most deliveries taken at once, 1 to 1000; default 32. */
  limit?: number;
  /** How long a claim holds a delivery (ms); default 60 s. It must outlast an attempt. */
  leaseMs?: number;
  /** Only these deliveries (a queue message's). */
  ids?: string[];
  /** Only deliveries due at least this long ago (ms): a sweep that leaves timely ones to their queue. */
  overdueMs?: number;
  /** At most this many deliveries of one endpoint in flight, counting `inFlight`; default no cap. */
  perEndpoint?: number;
  /** The attempts the caller has in flight now, by endpoint id (with `perEndpoint`). */
  inFlight?: Map<string, number>;
  /** At most this many deliveries of one tenant's endpoints in flight, counting `tenantInFlight`; default no cap. */
  perTenant?: number;
  /** The attempts the caller has in flight now, by tenant (with `perTenant`). */
  tenantInFlight?: Map<string, number>;
}

/**
 * A job `claimDue` handed out: a dispatcher job (the endpoint's current URL, secret version and
 * revision) plus what recording it checks: the claim's token and lease, and its started record.
 */
export interface ClaimedJob extends DeliveryJob {
  leaseUntilMs: number;
  /** This claim: the attempt's identity in the log, and what moving the delivery on checks. */
  claimToken: string;
  /** With `lost`: the claim before, whose attempt this job records (as `unknown`). */
  lostToken?: string | null;
  revision: number;
  /** The ordering key of an ordered endpoint's delivery (with `headSinceMs`). */
  orderingKey?: string;
}

/** An attempt going out now: claimed (its number, when it started, its lease), not yet recorded. */
export interface InFlightAttempt {
  deliveryId: string;
  eventId: string;
  endpointId: string;
  attempt: number;
  attemptedAtMs: number;
  leaseUntilMs: number;
  outcome: "started";
}

/** What `dispatcher.attempt(job)` returned for a claimed job, to record. */
export interface CompletedAttempt {
  job: ClaimedJob;
  record: AttemptRecord;
  plan: DeliveryPlan;
  state: DeliveryState;
  health?: EndpointHealth;
  enabled?: boolean;
  /** The operational event the core made of the attempt's result, when there is one. */
  event?: EndpointEvent;
}

/** An endpoint as the store shows it: never its secret. */
export interface StoredEndpoint {
  id: string;
  owner: string;
  url: string;
  description: string;
  eventTypes: string[];
  channels: string[];
  /** Whether events are matched to it and sent: `status.state === "enabled"`. */
  enabled: boolean;
  /** Its one state: enabled, or disabled with the reason (`manual`, `gone`, `failing_too_long`). */
  status: EndpointStatus;
  /** Goes up by one at each rotation; jobs carry it so `keysFor` signs with the right secrets. */
  secretVersion: number;
  /** Deliveries per second at most (the core's token bucket), or null for no limit. */
  rateLimit: number | null;
  /** How many may start at once from rest; null without a rate limit. */
  rateLimitBurst: number | null;
  /** Deliveries go one at a time per ordering key, in publish order. */
  ordered: boolean;
  health: EndpointHealth;
  createdAtMs: number;
  updatedAtMs: number;
}

/**
 * The fields of `createEndpoint` (url required) and `updateEndpoint`; any other field is refused
 * (`invalid_argument`, naming it). `eventTypes` are patterns the core checks when they are saved
 * (`invalid_event_type`, naming the pattern). `enabled: false` disables the endpoint (its pending
 * deliveries are cancelled); `true` enables a disabled one with its health reset.
 */
export interface EndpointFields {
  url?: string;
  description?: string;
  eventTypes?: string[];
  channels?: string[];
  enabled?: boolean;
  /**
   * At most this many deliveries per second (0.001 to 10,000), checked by the core; `null`
   * removes the limit. A 429 or a 503 from the endpoint slows it down for a while.
   */
  rateLimit?: number | null;
  /** How many may start at once from rest (1 to 1000; default 1, an even pace). Needs `rateLimit`. */
  rateLimitBurst?: number | null;
  /**
   * One delivery at a time per ordering key (the event's `orderingKey`, or the endpoint's own),
   * in publish order; for events published after the change.
   */
  ordered?: boolean;
}

/** An event to publish: the envelope's fields, and the key its deliveries to ordered endpoints go in order by. */
export interface PublishedEvent {
  type: string;
  data?: unknown;
  id?: string;
  channels?: string[];
  /** 1 to 256 bytes of text: FIFO per key instead of per endpoint, on ordered endpoints (not sent). */
  orderingKey?: string;
}

/** A delivery as the support lists show it (never a secret). */
export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  endpointId: string;
  state: DeliveryState;
  /** Why it ended (the plan's reason; `endpoint_gone` / `endpoint_disabled` / `cancelled_by_owner` when cancelled); null while pending or delivered. */
  endedReason: string | null;
  attempt: number;
  nextAttemptAtMs: number;
  createdAtMs: number;
  updatedAtMs: number;
  /** The delivery a recovery sent it again as, if one did. */
  recoveredBy: string | null;
}

/** A delivery as `getDelivery` shows it, with its attempt records oldest first. */
export interface StoredDelivery extends DeliveryView {
  attempts: AttemptRecord[];
  /** The attempt going out now, if one is: its record is written when it ends. */
  inFlight: InFlightAttempt | null;
}

/** A time filter: unix ms, a Date, or an RFC 3339 time with its offset (`2026-12-07T10:00:00Z`). */
export type TimeFilter = number | Date | string;

/** A page of a support list: `limit` 1 to 100 (default 20), `cursor` the `nextCursor` of the page before. */
export interface PageOptions {
  limit?: number;
  cursor?: string | null;
}

/**
 * Filters of `listAttempts` (the core reads them; any other is refused by name): `status`
 * (`failed`: the attempt did not deliver; `skipped`: the circuit was open; `pending`: in
 * flight), `statusClass` (the receiver's answer, or `none` for no response), `since` (inclusive)
 * and `until` (exclusive) on the attempt's time.
 */
export interface AttemptFilters extends PageOptions {
  status?: "delivered" | "failed" | "skipped" | "pending" | "unknown" | "cancelled";
  statusClass?: "1xx" | "2xx" | "3xx" | "4xx" | "5xx" | "none";
  since?: TimeFilter;
  until?: TimeFilter;
}

/** Filters of `listDeliveries`: of an endpoint, of an event, in a state, created since / until. */
export interface DeliveryFilters extends PageOptions {
  endpoint?: string;
  event?: string;
  status?: DeliveryState;
  since?: TimeFilter;
  until?: TimeFilter;
}

/** Filters of `listEvents`: of a type, created since / until. */
export interface EventFilters extends PageOptions {
  type?: string;
  since?: TimeFilter;
  until?: TimeFilter;
}

/** An event as `listEvents` shows it (without its payload). */
export interface EventSummary {
  id: string;
  type: string;
  createdAtMs: number;
}

/** An event with the payload that was signed and sent, and its first 100 deliveries. */
export interface StoredEvent extends EventSummary {
  payload: { type: string; timestamp: string; data?: unknown; [field: string]: unknown };
  deliveries: DeliveryView[];
  /** It has more deliveries: `listDeliveries(owner, { event })`. */
  moreDeliveries: boolean;
}

/** What `cancelDelivery` did. */
export interface CancelResult {
  delivery: DeliveryView;
  /** false: it was cancelled already. */
  changed: boolean;
  /** An attempt was in flight: its record is kept, completed by its worker. */
  inFlight: boolean;
}

/** What `recoverEndpoint` did. */
export interface RecoverResult {
  /** Deliveries sent again by this call. */
  recovered: number;
  /** More are left: call again. */
  more: boolean;
  /** The new deliveries (for a queue). */
  deliveryIds: string[];
}

/** What the encryption keys open of the stored secrets. */
export interface KeyReport {
  /** Secrets sealed by each configured key id (each id checked to open them). */
  keys: Record<string, number>;
  /** Secrets sealed by key ids this store was not given: their endpoints cannot be sent to. */
  missing: Record<string, number>;
}

/** A worker's readiness, from `worker.status()`. */
export interface WorkerStatus {
  running: boolean;
  database: "ok" | "unavailable";
  /** Since when (unix ms) the database has been as it is. */
  since: number;
  /** The code of the error that made it unavailable. */
  error: string | null;
  inFlight: number;
  lastClaimAtMs: number | null;
  /** When the worker's loop last turned (it turns at least every `idleMs`). */
  lastLoopAtMs: number | null;
  idleMs: number;
  concurrency: number;
}

/** `store.health()`: the core's readiness verdict (answer 503 unless `ready`), with the worker's status when given. */
export type StoreHealth = Readiness & { worker?: WorkerStatus };

/** What a metrics scrape reads from the database (`store.stats()`). */
export interface StoreStats {
  atMs: number;
  /** Pending deliveries, due or not. */
  pending: number;
  /** Pending deliveries due now that no worker holds. */
  due: number;
  /** When the oldest of those was due; null when none is. */
  oldestDueAtMs: number | null;
  /** Endpoints by the state their health is in, and why a disabled one is. */
  endpoints: { state: "healthy" | "failing" | "disabled"; reason: string | null; count: number }[];
}

/** An endpoint's attempts over time (`store.endpointStats`): one entry per bucket with attempts. */
export interface EndpointStats {
  sinceMs: number;
  untilMs: number;
  bucketMs: number;
  data: {
    /** The bucket's start. */
    atMs: number;
    /** Ended attempts (all but `started`). */
    attempts: number;
    /** Of those, delivered: the success rate is delivered / attempts. */
    delivered: number;
    /** Of those, answered by the receiver (a status). */
    answered: number;
    /** Mean and longest time to an answer, of the answered ones; null when none was. */
    meanDurationMs: number | null;
    maxDurationMs: number | null;
  }[];
}

/**
 * An operational event as a store records it and `onEndpointEvent` receives it: the core's event
 * (its type, facts and key) with the event id it is stored and delivered under, the tenant, the
 * endpoint (its URL without credentials) and the endpoint's revision. The operator's webhook
 * carries the same fields but `id` as its `data`.
 */
export type StoredEndpointEvent = EndpointEvent & { id: string; tenant: string; endpointId: string; url: string; revision: number };

/** What `publish` resolves with. */
export interface Published {
  eventId: string;
  matched: number;
  deliveryIds: string[];
  /** The owner published this id before; nothing new was stored. Null for D1 statements (decided when the batch runs). */
  duplicate: boolean | null;
  /** The traceparent this publish stored (its version-00 form); null: none given, an invalid one (ignored) or a duplicate. */
  traceparent: string | null;
  /** With `{ db }` on D1: the statements to put in your own `db.batch([...])`. */
  statements?: unknown[];
}

/** Options of `createStore`. */
export interface StoreOptions {
  /**
   * A PGlite instance, a pg `Pool` or a pg `Client` (anything with PostgreSQL's `query(text,
   * params)`), or a Cloudflare D1 binding (`prepare` and `batch`).
   */
  db: { query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }> } | D1Like;
  /**
   * AES-256-GCM key(s) sealing secrets at rest: one base64 32-byte key, or `{ current, keys }` to
   * rotate (add the new key as `current`, keep the old one listed, call `reseal()`).
   */
  encryptionKey: string | { current: string; keys: Record<string, string> };
  /**
   * Default 50; or a function of the owner (tenant) giving its cap (0 refuses every create).
   * Enforced atomically, whatever the concurrency.
   */
  maxEndpointsPerOwner?: number | ((owner: string) => number | Promise<number>);
  /**
   * Each operational event (a change of an endpoint's state: `endpoint.failing`,
   * `endpoint.disabled`, `endpoint.enabled`, `endpoint.recovered`), called once per event by the
   * process that recorded it (several workers report one change once), after it is stored.
   * What it throws is ignored. For delivery that survives a crash, set an operator endpoint.
   */
  onEndpointEvent?: (event: StoredEndpointEvent) => unknown;
  /** How long a rotated-out secret keeps signing beside the new one; default 24 h. */
  graceMs?: number;
  /** The SSRF guard applied to registered URLs (as the dispatcher's `ssrf`); false: parse only. */
  ssrf?: TargetOptions | false;
  /** Unix ms; default Date.now. */
  clock?: () => number;
}

/** The endpoint registry, outbox and delivery log on PostgreSQL or PGlite, from `createStore`. */
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
  /** A new secret, returned once; the previous one signs beside it for `graceMs` (0: it stops now). */
  rotateSecret(owner: string, id: string, options?: { graceMs?: number }): Promise<{ endpoint: StoredEndpoint; secret: string }>;
  /** The dispatcher's `resolveKeys`: the secrets that sign for the endpoint now. */
  keysFor(endpointId: string, secretVersion?: string | number): Promise<{ secrets: string[]; health: EndpointHealth }>;
  /**
   * Store an event and one pending delivery per matching enabled endpoint, in one transaction,
   * before any network I/O. The same `id` twice from one owner is one event (`duplicate: true`);
   * event ids are each owner's own. `options.db`: your transaction's client (a pg client inside
   * BEGIN, a PGlite transaction), so the event is stored, and sent, only if it commits; on D1,
   * your D1 database: the statements come back in `statements` for your own `batch`.
   */
  publish(owner: string, event: PublishedEvent, options?: { db?: unknown; traceparent?: string | null }): Promise<Published>;
  /**
   * Take up to `limit` due deliveries for `leaseMs` as dispatcher jobs (no secrets). Two workers
   * never take the same one; a lease that runs out makes it due again. A throttled endpoint's
   * deliveries its bucket does not let start now are put back, due when it says; an ordered
   * endpoint's are handed out one at a time per key (the head), in publish order.
   */
  claimDue(options?: ClaimOptions): Promise<ClaimedJob[]>;
  /** Record an attempt's result for a claimed job; false when its claim was lost meanwhile. */
  complete(job: ClaimedJob, result: Omit<CompletedAttempt, "job">): Promise<boolean>;
  /** `complete` for many jobs in one statement (PostgreSQL) or one batch (D1); a boolean per job. */
  completeAll(items: CompletedAttempt[]): Promise<boolean[]>;
  /**
   * The delivery worker `hookline serve` runs: up to `concurrency` (default the dispatcher's, or
   * 32) attempts in flight, `perEndpointConcurrency` (default the dispatcher's) to one endpoint
   * and `perTenantConcurrency` (default three quarters of `concurrency`) to one tenant's
   * endpoints, claiming as slots free up, records written in batches; polls every `idleMs`
   * (default 100) when nothing is due. `stop()` resolves once every attempt in flight is
   * recorded. Refuses a `concurrency` or `perEndpointConcurrency` over the dispatcher's.
   */
  startWorker(
    dispatcher: Dispatcher,
    options?: { concurrency?: number; perEndpointConcurrency?: number; perTenantConcurrency?: number; leaseMs?: number; idleMs?: number; onError?: (error: unknown) => void; onRecover?: () => void },
  ): { stop(): Promise<void>; status(): WorkerStatus };
  /**
   * One claim-attempt-complete round through a dispatcher made with `resolveKeys: store.keysFor`.
   * `retries`: the deliveries due again and when (for a queue that carries delivery ids): the
   * attempts' retries, the throttled deliveries put back, and the ordered ones that became
   * their key's head.
   */
  deliverDue(dispatcher: Dispatcher, options?: ClaimOptions): Promise<{ claimed: number; completed: number; retries: LaterDelivery[] }>;
  /**
   * A queue consumer's round: stale messages (the delivery ended, moved to another attempt or is
   * leased now) are dropped, ones not due yet come back in `later`, the rest are attempted and
   * recorded; `later` also holds the retries. Send `later` to the queue again.
   */
  deliverQueued(dispatcher: Dispatcher, messages: DeliveryMessage[], options?: { leaseMs?: number }): Promise<{ completed: number; later: LaterDelivery[] }>;
  /** A delivery of `owner`'s and its attempt records, oldest first. */
  getDelivery(owner: string, id: string): Promise<StoredDelivery>;
  /**
   * An endpoint's attempt records, newest first, a page at a time, filtered by status, status
   * class and time; a filter the core does not take is refused (`invalid_argument`, naming it).
   * `inFlight` (the first page, unfiltered) lists the attempts going out now; `status: "pending"`
   * lists them as the data.
   */
  listAttempts(owner: string, endpointId: string, filters?: AttemptFilters | URLSearchParams): Promise<{ data: AttemptRecord[]; inFlight: InFlightAttempt[]; nextCursor: string | null }>;
  /** An owner's deliveries, newest first, a page at a time, by endpoint, event, state and time. */
  listDeliveries(owner: string, filters?: DeliveryFilters | URLSearchParams): Promise<{ data: DeliveryView[]; nextCursor: string | null }>;
  /** An owner's events, newest first, a page at a time, by type and time. */
  listEvents(owner: string, filters?: EventFilters | URLSearchParams): Promise<{ data: EventSummary[]; nextCursor: string | null }>;
  /** One event of the owner's with its payload and deliveries; `not_found` otherwise. */
  getEvent(owner: string, id: string): Promise<StoredEvent>;
  /**
   * Cancel a delivery: a pending one ends `cancelled` (`cancelled_by_owner`) and is never
   * attempted again (an attempt in flight keeps its record); a cancelled one is left as it is;
   * a delivered or failed one is refused (`delivery_ended`).
   */
  cancelDelivery(owner: string, id: string): Promise<CancelResult>;
  /**
   * Send again, once, every failed delivery of the endpoint created since `since` (and those its
   * disabling cancelled), as new deliveries due now: at most `limit` (default 100, at most 500)
   * per call, `more` when some are left. A second call never sends one twice.
   * `endpoint_disabled` while the endpoint is disabled.
   */
  recoverEndpoint(owner: string, endpointId: string, options: { since: number | string; limit?: number }): Promise<RecoverResult>;
  /** A past delivery's event again, to the same endpoint, as a new delivery due now. */
  redeliver(owner: string, deliveryId: string): Promise<{ deliveryId: string; eventId: string }>;
  /** Remove events older than `olderThanMs` whose deliveries have all ended, with their records; how many. */
  prune(options: { olderThanMs: number }): Promise<number>;
  /** Seal every secret again with the current encryption key; how many rows changed. */
  reseal(): Promise<number>;
  /** Check the keys against the stored secrets (as `migrate` does); `keys_unavailable` when a key does not open what it sealed. */
  checkKeys(): Promise<KeyReport>;
  /** The last key check's report; null before the schema exists. */
  readonly keyReport: KeyReport | null;
  /**
   * Readiness, decided by the core from what this process sees now: the database (one query),
   * the keys (`keyReport.missing`), `worker` (startWorker's) and the oldest due delivery.
   */
  health(options?: { worker?: { status(): WorkerStatus }; policy?: ReadinessPolicy }): Promise<StoreHealth>;
  /** Pending and due deliveries, the oldest due time, endpoints by state: what a metrics scrape reads. */
  stats(): Promise<StoreStats>;
  /**
   * An endpoint's attempts per bucket of `bucketMs` (default 1 h) from `sinceMs` (default 24 h
   * ago) to `untilMs` (default now), at most 200 buckets: for a chart of success rate and latency.
   */
  endpointStats(owner: string, endpointId: string, options?: { sinceMs?: number; untilMs?: number; bucketMs?: number }): Promise<EndpointStats>;
  /** Listen to the attempts this process records, as they are written; returns a function that stops it. */
  onAttempts(listener: (items: CompletedAttempt[]) => void): () => void;
  /** Listen to the operational events this process records; returns a function that stops it. */
  onEndpointEvents(listener: (event: StoredEndpointEvent) => void): () => void;
  /**
   * Deliver every operational event to `url`, signed with `secret` (a whsec_ secret the
   * operator's receiver holds), through the outbox like any delivery. The URL is the operator's:
   * http or https, not judged by the SSRF guard. Setting it again changes it (and enables it).
   */
  setOperatorEndpoint(options: { url: string; secret: string }): Promise<{ id: string; url: string; secretVersion: number }>;
  /** The operational events recorded, newest first. */
  listEndpointEvents(options?: { limit?: number }): Promise<StoredEndpointEvent[]>;
}

/** The store on PostgreSQL or PGlite (the same SQL) or D1 (SQLite); throws `invalid_argument` for bad options. */
export function createStore(options: StoreOptions): Promise<Store>;

/** The store's versioned SQL migrations, for tools that apply migrations themselves. */
export const storeMigrations: { version: number; name: string; sql: string; sqlite: string }[];


/** Options of `createManagementApi`: the store, and a bearer `token` or an `authorize` hook. */
export interface ManagementApiOptions {
  store: Store;
  /** The bearer token every request must carry (16 or more characters); not needed with `authorize`. */
  token?: string;
  /** Real auth: true lets the request act for `tenant`. */
  authorize?: (request: Request, tenant: string) => boolean | Promise<boolean>;
  /**
   * Called with the new deliveries of a publish or a redelivery, after they are stored, to put
   * them on a queue. If it throws, the request still succeeds and a sweep (`deliverDue` with
   * `overdueMs`) takes them.
   */
  enqueue?: (messages: DeliveryMessage[]) => unknown;
  /** Told of the server's faults (a 5xx: the database unreachable, a bug), with the error; default console.error. */
  onError?: (message: string, error: unknown) => void;
  /**
   * The secret tenant tokens (`POST tokens`) are signed with, through a key derived from it
   * (16+ characters); default `token`. Changing it revokes every tenant token.
   */
  tokenKey?: string;
}

/**
 * The management API under `/v1/tenants/{tenant}/` as one fetch handler (Workers, Deno.serve,
 * Bun.serve, Hono, Node): endpoints (create shows the secret once, list with cursors, get, patch,
 * delete, rotate-secret, attempts with filters, recover), events (publish 202, list, get with the
 * payload), deliveries (list, get, redeliver, cancel), tenant tokens (`POST tokens`, the
 * operator's alone: a token for one tenant, expiring, optionally read-only, accepted beside the
 * operator's). `GET /v1/openapi.json` is its OpenAPI 3.1 document (also `hookline/openapi.json`).
 * Errors are RFC 9457 problems (`application/problem+json`) with a stable `code`.
 */
export function createManagementApi(options: ManagementApiOptions): (request: Request) => Promise<Response>;

// The receiver's dedupe stores: from hookline/dedupe, re-exported here.
export { createDedupe, memoryDedupe, kvDedupe } from "./dedupe.js";
export type { Dedupe } from "./dedupe.js";

/**
 * A fetch handler as a Node `http.createServer` listener: the body is streamed to the handler,
 * repeated headers are kept, and a handler that throws answers a 500 problem without details.
 */
export function nodeListener(
  handler: (request: Request) => Response | Promise<Response>,
  options?: { base?: string },
): (
  req: AsyncIterable<Uint8Array> & { method?: string; url?: string; rawHeaders?: string[] },
  res: { writeHead(status: number, headers: string[]): unknown; write(chunk: Uint8Array): unknown; end(): unknown; destroy(): unknown },
) => Promise<void>;
