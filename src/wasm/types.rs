//! TypeScript names for the JS values the binding accepts and returns, so the generated `.d.ts`
//! says what each argument is instead of `any`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** The raw request body exactly as received. Strings are UTF-8 encoded before hashing. */
export type Payload = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/** Request headers: a Fetch `Headers`, a `Map`, or a plain object (node:http's `req.headers`). */
export type HeadersLike =
  | Headers
  | Map<string, string | string[]>
  | Record<string, string | string[] | number | undefined>;

/** A secret: `whsec_<base64>` (prefix optional) or raw key bytes. */
export type SecretLike = string | Uint8Array;

/** A key, optionally named so results can say which one matched (`keyId`). */
export type KeyLike = SecretLike | { id: string; key: SecretLike };

/** The schemes hookline signs and verifies. */
export type SchemeName =
  | "standard-webhooks"
  | "svix"
  | "stripe"
  | "github"
  | "slack"
  | "shopify"
  | "discord"
  | "linear"
  | "custom"
  | VerifyOnlySchemeName;

/**
 * Providers' schemes hookline verifies but does not sign (see docs/providers.md). Twilio, Square
 * and HubSpot sign the URL they called: give the receiver `url` (and HubSpot's `method`).
 * SendGrid's key is its verification key (base64 SPKI) as `publicKey`.
 */
export type VerifyOnlySchemeName =
  | "twilio"
  | "paddle"
  | "square"
  | "zoom"
  | "hubspot"
  | "vercel"
  | "intercom"
  | "gitlab"
  | "sendgrid";

/** The schemes a `Signer`, `signHeaders` or a delivery endpoint signs with. */
export type SignSchemeName = Exclude<SchemeName, VerifyOnlySchemeName>;

/** Stable error codes. */
export type ErrorCode =
  | "missing_header"
  | "invalid_header"
  | "timestamp_too_old"
  | "timestamp_too_new"
  | "no_matching_signature"
  | "unknown_scheme"
  | "ambiguous_scheme"
  | "invalid_secret"
  | "invalid_payload"
  | "invalid_argument"
  | "invalid_event_type"
  | "payload_too_large"
  | "invalid_policy"
  | "invalid_url"
  | "target_not_allowed"
  | "too_many_signatures"
  | "scheme_downgrade"
  | "duplicate"
  | "in_progress"
  | "dedupe_unavailable"
  | "random_unavailable"
  | "module_unavailable"
  | "keys_unavailable"
  | "endpoint_limit"
  | "endpoint_disabled"
  | "database_unavailable"
  | "not_found";

/** Base class of every error hookline throws on purpose. */
export class HooklineError extends Error {
  /** Stable, machine-readable reason; safe to log and to branch on. */
  readonly code: ErrorCode;
  /** What usually causes this, for the developer reading the log. */
  readonly hint?: string;
}

/** A webhook failed verification, or the receiver was configured wrongly (`invalid_secret`). */
export class WebhookVerificationError extends HooklineError {}


/** Options of `new Webhook(secret, options)`, the `standardwebhooks`/`svix`-compatible class. */
export interface WebhookOptions {
  /** `"raw"`: the secret is the key bytes themselves, not `whsec_` base64. */
  format?: "raw";
  /** Seconds a timestamp may be off either way. Default 300. */
  tolerance?: number;
  /** Refuse larger bodies with `payload_too_large` before hashing. Default: no limit but the receiver's own, 1 GiB (any larger value is 1 GiB). */
  maxPayloadBytes?: number;
}

/** Per-call options of `Webhook.verify`, as in `standardwebhooks`. */
export interface WebhookVerifyOptions {
  /**
   * `false`: return `undefined` instead of the parsed body (any body bytes are accepted). The
   * same name as the receivers' option (`new Verifier({ jsonParse: false })`).
   */
  jsonParse?: boolean;
}

/**
 * A header layout of your own: `header` carries `<prefix><hex|base64>` of HMAC-SHA256 over the
 * body (or over `{timestamp}.{body}` with `timestampHeader`), or Stripe's `t=..,v1=..` layout
 * with `format: "stripe"`. Keys are the UTF-8 of the secret.
 */
export interface CustomSchemeConfig {
  header: string;
  prefix?: string;
  encoding?: "hex" | "base64";
  timestampHeader?: string;
  format?: "plain" | "stripe";
  /** A header reported as the message id. */
  idHeader?: string;
  /** A header reported as the event type. */
  eventHeader?: string;
}

/** The key fields of a receiver or a signer; `KeyOptions` requires at least one of them. */
export interface KeyFields {
  /** A shared secret. Standard Webhooks: `whsec_...`; Stripe: the whole `whsec_...` string; others: the secret text. */
  secret?: KeyLike;
  /** Several secrets during rotation: any one matching is enough. */
  secrets?: KeyLike[];
  /** An ed25519 public key: `whpk_...` (Standard Webhooks v1a) or 64 hex characters (Discord). */
  publicKey?: KeyLike;
  /** Several ed25519 public keys during rotation: any one matching is enough. */
  publicKeys?: KeyLike[];
  /** `"raw"`: string secrets are key bytes, not base64. */
  format?: "raw";
}

/**
 * The keys of a receiver or a signer, shared by `VerifierOptions`, `SignerOptions` and
 * `SignHeadersOptions`: at least one of `secret`, `secrets`, `publicKey`, `publicKeys` (options
 * without any do not compile, as they would throw `invalid_secret`). A single key may be typed
 * `undefined` (`{ secret: process.env.WEBHOOK_SECRET }`): one that is missing at run time throws
 * `invalid_secret`. A receiver accepts a signature made with any of its keys.
 */
export type KeyOptions = KeyFields &
  (
    | { secret: KeyLike | undefined }
    | { secrets: KeyLike[] }
    | { publicKey: KeyLike | undefined }
    | { publicKeys: KeyLike[] }
  );

/** Options of `new Verifier(options)`: keys and scheme, read once and reused for every request. */
export type VerifierOptions = VerifierSettings & KeyOptions;

/** What a receiver is told besides its keys (see `VerifierOptions`). */
export interface VerifierSettings {
  /** The scheme; omitted, it is detected from the signature header of each request. */
  scheme?: SchemeName;
  /** Your own header layout; detected by its header name when `scheme` is omitted. */
  custom?: CustomSchemeConfig;
  /** Seconds a timestamp may be off either way. Default 300 (Linear: 60, Paddle: 5). */
  tolerance?: number;
  /**
   * The URL the provider called, exactly as configured there: Twilio, Square and HubSpot sign it.
   * `verifyRequest` takes the Request's own `url` when this is omitted.
   */
  url?: string;
  /** The request's method, which HubSpot signs; default `"POST"` (`verifyRequest`: the Request's). */
  method?: string;
  /** Refuse larger bodies with `payload_too_large` before hashing. Default: no limit but the receiver's own, 1 GiB (any larger value is 1 GiB). */
  maxPayloadBytes?: number;
  /**
   * `false`: do not parse the body (`payload` is `undefined` in results; `verify` returns
   * `undefined` and accepts any body bytes). The same name as `Webhook.verify`'s option.
   */
  jsonParse?: boolean;
}

/** Per-call options of `Verifier.verify`: a fixed clock, e.g. for tests; this request's URL and method. */
export interface NowOptions {
  /** Replaces the clock: a Date or unix seconds. */
  now?: Date | number;
  /** This request's URL (see `VerifierSettings.url`), in place of the verifier's. */
  url?: string;
  /** This request's method (see `VerifierSettings.method`), in place of the verifier's. */
  method?: string;
}

/**
 * Options of the one-call receivers `verify`, `verifyWebhook` and `verifyRequest`: a verifier's
 * options plus `now`.
 */
export type VerifyOptions = VerifierOptions & NowOptions;

/**
 * What verification learned about a delivery. `T` is the payload's type as the caller names it
 * (`verifyWebhook<InvoicePaid>(...)`); it is not checked at run time, so validate what the
 * sender may vary.
 */
export interface VerifiedWebhook<T = unknown> {
  scheme: Exclude<SchemeName, "svix">;
  /** Index of the matching key among secret, secrets, publicKey, publicKeys (in that order). */
  keyIndex: number;
  /** The matching key's `id`, or where it was given (`"secrets[1]"`). */
  keyId: string;
  /** Message or delivery id, where the scheme sends one. */
  id?: string;
  /** Signed timestamp in unix seconds, where the scheme has one. */
  timestamp?: number;
  /** Event type, where the scheme sends it in a header (GitHub, Shopify, Linear, GitLab). */
  eventType?: string;
  /**
   * The body: parsed JSON if it is JSON, the text if other UTF-8, else undefined (always
   * undefined with `jsonParse: false`).
   */
  payload: T;
}

/**
 * Where a receiver remembers the deliveries it accepted, in two steps: `claim` holds `key` until
 * `leaseUntilMs` (unix ms) while the delivery is handled and resolves true when it is now
 * claimed, false when it was handled before, `"pending"` while another request handles it;
 * `complete` holds it until `untilMs` once it was handled; `release` forgets the claim when
 * handling failed, so the sender's retry is handled: only the claim made with `leaseUntilMs` (a
 * handler that outlived its lease must not release the claim a retry made since). Only verified
 * deliveries are claimed.
 * `hookline/dedupe` has `memoryDedupe`, `kvDedupe` (Workers KV, best effort) and `createDedupe`
 * (PostgreSQL, PGlite, D1: atomic).
 */
export interface DedupeStore {
  claim(key: string, leaseUntilMs: number): boolean | "pending" | Promise<boolean | "pending">;
  complete(key: string, untilMs: number): void | Promise<void>;
  release(key: string, leaseUntilMs?: number): void | Promise<void>;
}

/** Options of `verifyRequest`: those of `verifyWebhook`, and a dedupe store. */
export type VerifyRequestOptions = VerifyOptions & DedupeOptions;

/** A receiver's dedupe store and how long it remembers (see `VerifyRequestOptions`). */
export interface DedupeOptions {
  /**
   * Handle each delivery once: a verified delivery the store has already handled throws
   * `duplicate` (answer 2xx and skip it), one another request is handling throws `in_progress`
   * (answer 409); a store that fails throws `dedupe_unavailable` (answer 5xx). Otherwise the
   * result's `dedupe` holds the claim: `complete()` it once the delivery is handled, `release()`
   * it if handling fails (the middleware does both). Keyed by the verifying key and what the
   * signature covers: Standard Webhooks' id, else the signed timestamp and body, else the body.
   */
  dedupe?: DedupeStore;
  /**
   * How long a delivery without a signed timestamp is remembered, in seconds (default 604800,
   * 7 days; at least the tolerance, at most 1e9).
   */
  dedupeRetention?: number;
}

/**
 * What `verifyRequest` resolves with: `VerifiedWebhook` plus the body it read, since a `Request`
 * body can be read only once.
 */
export interface VerifiedRequest<T = unknown> extends VerifiedWebhook<T> {
  /** The raw body bytes that were verified. */
  body: Uint8Array;
  /**
   * With a dedupe store: the claim on this delivery, held only for a lease (5 minutes) until
   * `complete()` (the delivery was handled) or `release()` (handling it failed).
   */
  dedupe?: { key: string; complete(): Promise<void>; release(): Promise<void> };
  /**
   * Present when the verified request is a provider's endpoint verification, not a delivery:
   * Slack's `url_verification`, Zoom's `endpoint.url_validation`, Discord's PING. `body` is the
   * JSON to answer with status 200 (`hookline/middleware` answers it itself; the route never
   * sees it).
   */
  handshake?: { body: string };
}

/** Anything with the Fetch API's `Request` shape. */
export interface RequestLike {
  headers: Headers;
  bodyUsed?: boolean;
  arrayBuffer(): Promise<ArrayBuffer>;
  /** The URL, for the schemes that sign it when `options.url` is not given. */
  url?: string;
  /** The method, for HubSpot when `options.method` is not given. */
  method?: string;
}

"#;

/// The sender's types (signing, envelopes, retry, SSRF, matching, health, delivery): in the
/// full package's `.d.ts` only, not in `hookline/receiver`'s.
#[cfg(feature = "sender")]
#[wasm_bindgen(typescript_custom_section)]
const TS_SENDER_TYPES: &'static str = r#"
/**
 * What the sender's exports throw for a bad option, policy, event, URL or subscription key
 * (`invalid_policy`, `invalid_event_type`, `target_not_allowed`, `invalid_secret`, ...). Never a
 * `WebhookVerificationError`. A value of the wrong JS type is a `TypeError` with `code`.
 */
export class SenderError extends HooklineError {}

/** What a `Signer` is prepared with: the keys and the scheme, not the message. */
export type SignerOptions = SignerSettings & KeyOptions;

/** A signer's scheme (see `SignerOptions`). */
export interface SignerSettings {
  /** Default `"standard-webhooks"`. */
  scheme?: SignSchemeName;
  /** Your own header layout (see `CustomSchemeConfig`). */
  custom?: CustomSchemeConfig;
}

/**
 * Options of `signHeaders`: keys and scheme plus the message. To sign many messages with the same
 * keys, keep a `Signer`.
 */
export type SignHeadersOptions = SignHeadersMessage & KeyOptions;

/** What `signHeaders` signs besides its keys (see `SignHeadersOptions`). */
export interface SignHeadersMessage {
  /** Default `"standard-webhooks"`. */
  scheme?: SignSchemeName;
  /** Your own header layout (see `CustomSchemeConfig`). */
  custom?: CustomSchemeConfig;
  /** The body to sign, exactly as it will be sent. */
  payload: Payload;
  /** Message id (Standard Webhooks); default a new time-sortable `msg_...` id. */
  id?: string;
  /** Signing time: a Date or unix seconds; default now. */
  timestamp?: Date | number;
}

/** Header names (lowercase) to values. */
export type SignedHeaders = Record<string, string>;

/** Options of `generateTestHeaderString`: a `Stripe-Signature` header for testing a Stripe receiver. */
export interface StripeTestHeaderOptions {
  payload: Payload;
  secret?: string;
  /** Unix seconds; default now. */
  timestamp?: number;
  scheme?: "v1";
  /** Use this signature instead of computing one. */
  signature?: string;
}

/**
 * A fixed clock (and, for new ids, fixed random bytes) for one call, for deterministic tests:
 * `eventId`, `parseRetryAfter`, `disableEndpoint`, `EnvelopeBuilder.build`, `HealthTracker` methods.
 */
export interface ClockOptions {
  /** Replaces the clock: a Date or unix milliseconds. */
  now?: Date | number;
  /** Exactly the random bytes to use (10 for ids), for deterministic tests. */
  random?: Uint8Array;
}

/** What a sender says about an event. */
export interface EventInput {
  /** Default: a new `{idPrefix}<ULID>`. */
  id?: string;
  /** Dot-separated `[A-Za-z0-9_-]` segments, e.g. `invoice.paid`. */
  type: string;
  data?: unknown;
  /** Written as `api_version`. */
  apiVersion?: string;
  /** Tenant or customer id: written as `tenant_id`, used by matching. */
  tenant?: string;
  /** Used by matching, not written into the envelope. */
  channels?: string[];
  /** Extra top-level fields (not id, type, timestamp, data, api_version, tenant_id). */
  fields?: Record<string, unknown>;
  /** The envelope's time in unix ms; default `now`. */
  timestampMs?: number;
}

/** Options of `buildEnvelope` and `new EnvelopeBuilder`: size limit, id prefix, offloading. */
export interface EnvelopeOptions extends ClockOptions {
  /** Default 262144 (256 KiB). */
  maxPayloadBytes?: number;
  /** Default `msg_`. */
  idPrefix?: string;
  /** Move the largest parts of `data` to references instead of failing with payload_too_large. */
  offload?: { minBytes?: number; urlTemplate: string };
}

/**
 * A part of `data` moved out of an envelope built with `offload`: the envelope carries a
 * reference to `url` instead, and the sender uploads `body` there.
 */
export interface OffloadedPart {
  /** Dot path inside `data`. */
  name: string;
  size: number;
  contentType: string;
  url: string;
  /** Upload these bytes to `url`. */
  body: Uint8Array;
}

/**
 * A built event, from `buildEnvelope` or `EnvelopeBuilder.build`: `body` is what gets signed and
 * sent, the other fields are what matching and delivery need. `dispatch` accepts one as is.
 */
export interface Envelope {
  id: string;
  type: string;
  /** RFC 3339, as written in the body. */
  timestamp: string;
  timestampMs: number;
  tenant?: string;
  channels: string[];
  /** The canonical serialized envelope: sign and send exactly these bytes. */
  body: Uint8Array;
  offloaded: OffloadedPart[];
}

/** Where a retry schedule comes from, plus how it bends. */
export type RetryPolicy =
  | "standard-webhooks"
  | "svix"
  | (RetryPolicyOptions &
      ({ preset: "standard-webhooks" | "svix" } | { schedule: number[] } | { exponential: ExponentialBackoff } | {}));

/**
 * A retry schedule where the wait before attempt n+1 is `min(baseMs × factor^(n−1), maxMs)`:
 * attempt 2 waits `baseMs`.
 */
export interface ExponentialBackoff {
  baseMs: number;
  factor: number;
  maxMs: number;
  /** Attempts in all, the first included. */
  attempts: number;
}

/**
 * How a retry policy bends its schedule: jitter, which statuses are retried, how far `Retry-After`
 * is honoured.
 */
export interface RetryPolicyOptions {
  /**
   * Stop after this many attempts (the first included), keeping the schedule's first waits:
   * `{ preset: "svix", maxAttempts: 3 }` is now, 5 s, 5 min. 1 to the schedule's own attempts.
   */
  maxAttempts?: number;
  /** Default none. Drawn from `rand`. */
  jitter?: { kind: "none" } | { kind: "full" } | { kind: "percent"; percent: number };
  /** Retry every 4xx but 410 (default false: a 4xx fails at once). */
  retryOn4xx?: boolean;
  /** Extra 4xx statuses to retry, e.g. [409]. */
  retryStatuses?: number[];
  /** Cap on an honoured Retry-After, ms. Default 3600000; 0 ignores Retry-After. */
  maxRetryAfterMs?: number;
}

/** How an attempt ended. */
export type Outcome =
  | { kind: "status"; status: number; retryAfter?: string }
  | { kind: "networkError" }
  | { kind: "timeout" };

/**
 * Why a retry decision was taken: the kind of failure (`gone` is 410, `rate_limited` 429, `timeout`
 * also 408), or `exhausted` when the policy's last attempt failed. New reasons may be added.
 */
export type RetryReason =
  | "informational"
  | "redirect"
  | "client_error"
  | "gone"
  | "timeout"
  | "rate_limited"
  | "server_error"
  | "network_error"
  | "exhausted";

/** What happens next. */
export type Decision =
  | { kind: "delivered"; status: number }
  | { kind: "retry"; atMs: number; delayMs: number; attempt: number; reason: RetryReason; status?: number; retryAfterMs?: number }
  | { kind: "giveUp"; reason: RetryReason; status?: number; cause?: RetryReason }
  | { kind: "disableEndpoint"; reason: RetryReason; status: number };

/** What `classifyOutcome` says an outcome means under a policy, however many attempts are left. */
export type Classification =
  | { kind: "delivered"; status: number }
  | { kind: "retryable"; reason: RetryReason; status?: number }
  | { kind: "permanent"; reason: RetryReason; status: number }
  | { kind: "disableEndpoint"; reason: RetryReason; status: number };

/** Per-call options of `nextAttempt` and `RetryPlanner.next`: clock and jitter draw, for tests. */
export interface DecisionOptions {
  /** Replaces the clock: a Date or unix milliseconds. */
  now?: Date | number;
  /** The random draw for jitter, 0 to 2^32-1; default from the platform. */
  rand?: number;
}

/** SSRF guard options, for `checkTarget`, `checkAddress` and the dispatcher's `ssrf` option. */
export interface TargetOptions {
  /** Refuse http: targets. */
  httpsOnly?: boolean;
  /** Hosts, IP addresses and CIDR ranges allowed despite the rules (tests, internal deployments). */
  allow?: string[];
  /** Allow host names without a dot (they resolve through DNS search domains; default false). */
  allowSingleLabel?: boolean;
}

/**
 * What `checkTarget` read from a URL it allowed. A `domain` host still needs its resolved addresses
 * checked with `checkAddress`.
 */
export interface Target {
  hostKind: "domain" | "ipv4" | "ipv6";
  /** As `new URL(url).hostname` writes it. */
  host: string;
  /** null for the scheme's default port. */
  port: number | null;
  allowListed: boolean;
}

/** A subscription record; other fields are kept and returned as they are. */
export interface Subscription {
  id: string;
  url: string;
  /** Default true. */
  enabled?: boolean;
  /** Only events of this tenant; without it, events of every tenant. */
  tenant?: string | null;
  /** Exact types, `prefix.*` (one or more further segments), `a.*.b` (one segment), or `*`. Empty: all. */
  eventTypes?: string[] | null;
  /** The event must carry at least one of these; empty: any. */
  channels?: string[] | null;
  [field: string]: unknown;
}

/**
 * What matching reads from an event, for `Matcher.match` and `matchSubscriptions`. An `Envelope`
 * has these fields, so it can be passed as is.
 */
export interface EventMeta {
  type: string;
  tenant?: string;
  channels?: string[];
}

/** Options of `new Matcher(subscriptions, options)`. */
export interface MatcherOptions {
  /** Leave out subscriptions with invalid patterns (listed in `errors`) instead of throwing. */
  lenient?: boolean;
}

/** A subscription a lenient `Matcher` left out (`matcher.errors`); `index` is its input position. */
export interface MatcherError {
  index: number;
  code: ErrorCode;
  message: string;
}

/** An endpoint's health, plain JSON to store per endpoint. */
export interface EndpointHealth {
  state?: "healthy" | "failing" | "disabled";
  consecutiveFailures?: number;
  firstFailureAtMs?: number | null;
  lastFailureAtMs?: number | null;
  lastFailureStatus?: number | null;
  lastSuccessAtMs?: number | null;
  disabledReason?: string | null;
  disabledAtMs?: number | null;
  /** The highest of the policy's `warnAtPercent` the current failure streak reached; 0: none. */
  warnedPercent?: number;
  circuit?: {
    state?: "closed" | "open" | "halfOpen";
    openedAtMs?: number | null;
    probeStartedAtMs?: number | null;
    recentFailuresMs?: number[];
  };
}

/**
 * When an endpoint is disabled for failing, and whether a circuit breaker denies attempts after a
 * run of failures.
 */
export interface HealthPolicy {
  /** Disable after a failure streak this long (default 5 days); null: never for failures. */
  disableAfterMs?: number | null;
  /** Open after `failureThreshold` failures within `windowMs`; half-open after `cooloffMs`. */
  circuitBreaker?: { failureThreshold?: number; windowMs?: number; cooloffMs?: number } | null;
  /**
   * Warn (`endpoint.failing`) when a failure streak reaches these percents of `disableAfterMs`:
   * increasing whole numbers from 1 to 99, at most 10; default `[50, 70, 90]`, `[]` for none.
   */
  warnAtPercent?: number[];
}

/**
 * An operational event: a change of an endpoint's state, decided by the core from its health
 * before and after an attempt's result or an owner's change. `key` names what it is about
 * (`failing.50.<streak start>`, `disabled`, `enabled`, `recovered.<streak start>`): within one
 * revision of an endpoint, two reports with one key are one event.
 */
export type EndpointEvent = (
  | {
      /** The failure streak reached `percent` of the failing window: a warning. */
      type: "endpoint.failing";
      percent: number;
      failingSinceMs: number;
      /** When the endpoint is disabled unless a delivery succeeds before. */
      disableAtMs: number;
      consecutiveFailures: number;
      lastFailureStatus: number | null;
      atMs: number;
    }
  | { type: "endpoint.disabled"; reason: "gone" | "failing_too_long" | "manual" | string; atMs: number }
  | { type: "endpoint.enabled"; atMs: number }
  | { type: "endpoint.recovered"; failingSinceMs: number; atMs: number }
) & { key: string };

/** What a readiness check saw, at `nowMs` (see `readiness`). */
export interface ReadinessFacts {
  nowMs: number;
  /** The database answered just now. */
  database: boolean;
  /** Stored secrets sealed with key ids this process was not given. */
  keysMissing?: number;
  /** This process's delivery worker, or null when it runs none. */
  worker?: { running: boolean; database: boolean; lastLoopAtMs: number | null; idleMs?: number } | null;
  /** When the oldest due pending delivery was due; null when none is. */
  oldestDueAtMs?: number | null;
}

/** When a worker counts as stalled (default 30 s) and a backlog as late (default 5 minutes; null: never). */
export interface ReadinessPolicy {
  workerStalledAfterMs?: number;
  lateAfterMs?: number | null;
}

/** The readiness verdict: answer 503 unless `ready`. */
export interface Readiness {
  status: "ok" | "degraded" | "unavailable";
  ready: boolean;
  checks: {
    database: "ok" | "unavailable";
    keys: "ok" | "missing";
    worker: "ok" | "none" | "stopped" | "unavailable" | "stalled";
    backlog: "ok" | "late";
  };
  /** How long the oldest due delivery has waited; null when none is due. */
  oldestDueAgeMs: number | null;
}

/** Options of `recordAttempt`, `endpointAdmission`, `beginProbe` and `new HealthTracker`. */
export interface HealthOptions {
  policy?: HealthPolicy;
  /** Replaces the clock: a Date or unix milliseconds. */
  now?: Date | number;
}

/**
 * How an attempt ended, as `recordAttempt` and `HealthTracker.record` take it: `gone`, or `failed`
 * with status 410, disables the endpoint.
 */
export type AttemptResult = { kind: "delivered" } | { kind: "failed"; status?: number | null } | { kind: "gone" };

/**
 * Whether an attempt may go to an endpoint now (`endpointAdmission`, `HealthTracker.admission`).
 * `probe`: the one trial of a half-open circuit (mark it with `beginProbe`); `deny`: circuit open.
 */
export type Admission =
  | { kind: "allow" }
  | { kind: "probe" }
  | { kind: "deny"; untilMs: number }
  | { kind: "disabled"; reason: string };

/** The keys an endpoint signs with: a secret (or several, for rotation) and the scheme. */
export interface DeliveryKeys {
  /** Signing secret(s) for this endpoint; several sign with each (rotation). */
  secret?: SecretLike;
  secrets?: SecretLike[];
  /** Default "standard-webhooks". */
  scheme?: SignSchemeName;
  format?: "raw";
  custom?: CustomSchemeConfig;
}

/** Options of `new DeliveryEndpoint`. */
export interface DeliveryEndpointOptions extends DeliveryKeys {
  url: string | URL;
  /** Default "standard-webhooks". */
  retry?: RetryPolicy;
  healthPolicy?: HealthPolicy;
  /** Stored health, from `endpoint.health`. */
  health?: EndpointHealth;
  /** SSRF guard options (default: the guard with no allow-list), or false to send anywhere. */
  ssrf?: TargetOptions | false;
}

/**
 * What an attempt record says happened. `cancelled`: the delivery ended unsent (its endpoint was
 * deleted or disabled); `unknown`: the worker stopped during the attempt, so the receiver may or
 * may not have got it; `started`: (a store's log only) the attempt is going out now.
 */
export type AttemptOutcome = "delivered" | "retry" | "failed" | "endpointDisabled" | "blocked" | "circuitOpen" | "cancelled" | "unknown" | "started";

/**
 * What to do after an attempt: `disable` when the endpoint answered 410; `cancel` when there is
 * no endpoint to send to. `reason` is a `RetryReason` or the endpoint's own (`circuit_open`,
 * `endpoint_disabled`, `target_not_allowed`, `failing_too_long`: this failure disabled the
 * endpoint under the health policy; `endpoint_gone`, `keys_unavailable`, `worker_lost`;
 * `ordering_blocked`: the head of an ordering key failed past the ordering policy's
 * `maxBlockMs`). A `retry` after an open circuit keeps the attempt number: nothing was sent.
 */
export type DeliveryPlan =
  | { kind: "done" }
  | { kind: "retry"; atMs: number; delayMs: number; attempt: number; reason: string }
  | { kind: "giveUp"; reason: string }
  | { kind: "disable"; reason: string }
  | { kind: "cancel"; reason: string };

/** Where a delivery stands after a plan: what a store keeps. */
export type DeliveryState = "pending" | "delivered" | "failed" | "cancelled";

/** An attempt's result, from `DeliveryEndpoint.finish` (or a skipping `begin`). */
export interface AttemptFinished {
  outcome: AttemptOutcome;
  plan: DeliveryPlan;
  /** The delivery's state under `plan`. */
  state: DeliveryState;
  /** The receiver's status, when it answered. */
  status: number | null;
  /** Why nothing was sent (skipped or blocked attempts); null after a request. */
  error: string | null;
  /** The operational event this result made of the endpoint's state, when there is one. */
  event?: EndpointEvent;
}

/** Why an attempt could not start (see `unstartedAttempt`). */
export type UnstartedReason = "endpoint_gone" | "keys_unavailable" | "worker_lost";

/**
 * An endpoint's one state: enabled, or disabled with a reason (`manual`: by its owner; `gone`:
 * the receiver answered 410; `failing_too_long`: the health policy's failing window passed).
 */
export type EndpointStatus = { state: "enabled" } | { state: "disabled"; reason: string; sinceMs: number | null };

/** What an endpoint's owner changed (see `endpointChange`). */
export interface EndpointChange {
  /** true to enable, false to disable, absent to leave as it is. */
  enabled?: boolean;
  /** The endpoint's URL changed. */
  urlChanged?: boolean;
  /** The endpoint is being deleted. */
  deleted?: boolean;
}

/** What an owner's change does (see `endpointChange`). */
export interface EndpointChanged {
  /** The health to store. */
  health: EndpointHealth;
  status: EndpointStatus;
  /** Whether new events are matched to the endpoint. */
  enabled: boolean;
  /** The health was reset or the state changed: attempts begun before must not write theirs over it. */
  renewed: boolean;
  /** End the endpoint's pending deliveries (cancelled) for this reason, or null to leave them. */
  cancelPending: "endpoint_disabled" | "endpoint_gone" | null;
  /** The change's operational event (`endpoint.disabled` manual, `endpoint.enabled`), or null. */
  event: EndpointEvent | null;
}

/**
 * An endpoint's rate limit: `rateLimit` deliveries per second (0.001 to 10,000), `rateLimitBurst`
 * of them at once from rest (1 to 1000; default 1, an even pace).
 */
export interface RateLimit {
  rateLimit: number;
  rateLimitBurst?: number;
}

/**
 * An endpoint's token bucket (GCRA), plain JSON to store beside its rate limit; `{}` is a bucket
 * at rest. `tatMs`: when the next start would be due at exactly the rate; `lineEndMs`: the end of
 * the line of deliveries told to wait; `slowLevel` and `slowUntilMs`: the halvings of the rate a
 * 429 or a 503 put in effect and until when they hold (then the rate doubles back every 30 s);
 * `pausedUntilMs`: nothing starts before (a `Retry-After`); `resetAtMs`: places in line given
 * before this no longer hold.
 */
export interface Throttle {
  tatMs?: number;
  lineEndMs?: number;
  slowLevel?: number;
  slowUntilMs?: number;
  pausedUntilMs?: number;
  resetAtMs?: number;
}

/**
 * What `throttleAdmit` decided: the bucket to store, and per delivery a start (send it at `atMs`:
 * now, or within the horizon) or a wait (put it back until `untilMs`).
 */
export interface ThrottleAdmitted {
  throttle: Required<Throttle>;
  starts: ({ kind: "start"; atMs: number } | { kind: "wait"; untilMs: number })[];
  /** The pace the starts were given at, for `throttlePace`. */
  pace: ThrottlePace;
}

/** An endpoint's pace: one start every `intervalMs`, up to `toleranceMs` early (the burst). */
export interface ThrottlePace {
  intervalMs: number;
  toleranceMs: number;
}

/**
 * How long the head of an ordering key may block it (`maxBlockMs`, from the time it became the
 * head; default 3,600,000, one hour) before it is given up (reason `ordering_blocked`).
 */
export interface OrderingPolicy {
  maxBlockMs?: number;
}

/** What `DeliveryEndpoint.begin` decided: send these headers (`probe`: the half-open trial), or skip. */
export type AttemptBegin =
  | { kind: "send"; headers: Record<string, string>; probe: boolean }
  | ({ kind: "skip" } & AttemptFinished);

/** An envelope as a delivery job carries it: the body as text. */
export interface JobEnvelope {
  id: string;
  type: string;
  body: string;
  channels: string[];
  tenant?: string;
}

/** A subscription the dispatcher delivers to: matching fields plus where and how to sign. */
export interface DeliverySubscription extends Subscription, DeliveryKeys {
  /** Which of the endpoint's secrets this is; jobs carry it so `resolveKeys` can find them. */
  secretVersion?: string | number;
  /** Stored health, from `dispatcher.health(id)`. */
  health?: EndpointHealth;
}

/** One attempt, as `onAttempt` receives it: append it to your delivery log. */
export interface AttemptRecord {
  deliveryId: string;
  eventId: string;
  eventType: string;
  endpointId: string;
  /** The endpoint URL without any username or password. */
  url: string;
  /** 1-based. */
  attempt: number;
  attemptedAt: string;
  attemptedAtMs: number;
  durationMs: number;
  /** null when no response arrived (timeout, network error, blocked). */
  status: number | null;
  outcome: AttemptOutcome;
  error: string | null;
  /**
   * The headers the dispatcher set on the request (the platform adds its own, such as
   * `content-length`); null when nothing was sent (blocked, circuit open, no address).
   */
  requestHeaders: Record<string, string> | null;
  /**
   * The response's headers, lower-case, up to 4,096 characters of names and values (a header that
   * does not fit is left out), a `set-cookie` value as `"[redacted]"`; null when no response arrived.
   */
  responseHeaders: Record<string, string> | null;
  /** At most the first 512 bytes of the response body, as text. */
  responseBody: string | null;
  /** The response body was longer than `responseBody`, or not read to its end. */
  responseBodyTruncated: boolean;
  nextRetryAt: string | null;
  /** The signature header value sent. */
  signature: string | null;
}

/**
 * A delivery job: plain JSON, for a queue. It names the endpoint and its secret's version, never
 * the secret: `attempt(job)` asks `resolveKeys(endpointId, secretVersion)` for the keys.
 */
export interface DeliveryJob {
  deliveryId: string;
  attempt: number;
  endpointId: string;
  /** The endpoint URL (credentials included if it has them: keep such URLs out of jobs). */
  url: string;
  secretVersion?: string | number;
  /**
   * The endpoint's revision (a store raises it when its owner renews the endpoint): a new one
   * makes the dispatcher start from the stored health the job's keys come with.
   */
  revision?: number;
  /** Not before this time (unix ms): a queue re-enqueues a job that comes back early. */
  notBeforeMs?: number;
  /** The attempt `attempt` was begun at `startedAtMs` by a worker that stopped: record it as `unknown`, send nothing. */
  lost?: boolean;
  startedAtMs?: number;
  /** The endpoint no longer exists: the delivery is cancelled, nothing is sent. */
  endpointGone?: boolean;
  /** The endpoint's health as a store holds it: a dispatcher holding an older one goes on from it. */
  health?: EndpointHealth;
  /** The publisher's W3C traceparent: each attempt sends a child of it (a new span id). */
  traceparent?: string;
  /**
   * The delivery is the head of an ordering key since this time (unix ms): a retry past the
   * dispatcher's `ordering.maxBlockMs` from then gives it up (`ordering_blocked`).
   */
  headSinceMs?: number;
  envelope: JobEnvelope;
}

/** What `dispatcher.attempt(job)` resolves with: the record, what to do next, and the next job. */
export interface AttemptResultWithPlan {
  record: AttemptRecord;
  plan: DeliveryPlan;
  /** The delivery's state under `plan`. */
  state: DeliveryState;
  /** The job for the next attempt when the plan is a retry (`notBeforeMs` set to the plan's time). */
  next?: DeliveryJob;
  /** The endpoint's health after the attempt (absent when it could not start). */
  health?: EndpointHealth;
  /** Whether the endpoint is still enabled after the attempt (absent when it could not start). */
  enabled?: boolean;
  /** Why the keys could not be had (a `keys_unavailable` attempt): for your log; the record never holds it. */
  cause?: unknown;
  /** The operational event the core made of the result (a warning, a disabling, a recovery), when there is one. */
  event?: EndpointEvent;
}

/**
 * What `dispatch` and `redeliver` resolve with: one delivery per matched subscription, each counted
 * once as `delivered`, `failed` (given up, disabled, blocked) or `pending`.
 */
export interface DispatchSummary {
  eventId: string;
  matched: number;
  delivered: number;
  failed: number;
  /** Retries planned but not run (with `retries: "none"`): see `jobs`. */
  pending: number;
  records: AttemptRecord[];
  jobs: { job: DeliveryJob; atMs: number }[];
}

/** Node's `dns.lookup` contract, for `DispatcherOptions.lookup`. */
export type LookupFunction = (
  hostname: string,
  options: { all?: boolean; family?: number; hints?: number },
  callback: (err: Error | null, address: string | { address: string; family: number }[], family?: number) => void,
) => void;

/**
 * What `resolveKeys` may give beside the keys: the stored health, when a rotated-out secret stops
 * signing, and `ssrf: false` for an endpoint whose URL its operator set (never an API caller's):
 * the SSRF guard does not judge it (a store's operator endpoint).
 */
export type ResolvedKeys = DeliveryKeys & { health?: EndpointHealth; expiresAtMs?: number; ssrf?: false };

/** Options of `createDispatcher`; a bad option throws there, not later. */
export interface DispatcherOptions {
  /**
   * Any function with fetch's contract; default globalThis.fetch. Redirects are never followed:
   * an injected fetch gets `redirect: "manual"`. Node's own fetch gets `"error"` (undici copies
   * the body in the other modes), and a redirecting URL is then asked once more with "manual".
   */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Default "standard-webhooks". */
  retry?: RetryPolicy;
  /** Per attempt, covering connect, response headers and reading the body's snippet; default 15000. */
  timeoutMs?: number;
  /**
   * Requests in flight at once across `dispatch`, `attempt` and `redeliver`; default 10; a whole
   * number of 1 or more, or Infinity (else `invalid_argument`). A retry that waits holds no slot.
   */
  concurrency?: number;
  /**
   * Requests in flight at once to one endpoint (by subscription id); default half of
   * `concurrency`, at least 1. Keeps one slow endpoint from taking every slot.
   */
  perEndpointConcurrency?: number;
  /** Default "hookline"; a string without control characters (else `invalid_argument`). */
  userAgent?: string;
  /**
   * Called with every attempt's record, and awaited when it returns a promise (append it to your
   * delivery log). A throw or rejection goes to `onError`; the record stays in the summary.
   */
  onAttempt?: (record: AttemptRecord) => void | Promise<void>;
  /** Told of a failed `onAttempt` (with the record); default: `console.error`. Never throws through. */
  onError?: (error: unknown, record: AttemptRecord) => void;
  /**
   * The keys of endpoint `endpointId` at `secretVersion`, for `attempt(job)`: a secret, or
   * `DeliveryKeys`; sync or async. Jobs never carry secrets.
   */
  resolveKeys?: (
    endpointId: string,
    secretVersion: string | number | undefined,
  ) => SecretLike | ResolvedKeys | Promise<SecretLike | ResolvedKeys>;
  /**
   * Node only: the resolver used when connecting (default `dns.lookup`). Every address it gives
   * is checked by the SSRF guard at connect time, so no second lookup can differ (tests inject one).
   */
  lookup?: LookupFunction;
  /** Unix ms; default Date.now. Every time the dispatcher uses: envelopes, event and delivery ids, records, retries. */
  clock?: () => number;
  /** Default setTimeout (waits longer than a timer allows are chained). */
  sleep?: (ms: number) => Promise<void>;
  /** A u32 for jitter; default crypto.getRandomValues. */
  random?: () => number;
  /**
   * "inline" (default): wait and retry in process, holding no slot while waiting. "none": one
   * attempt each; retries come back as jobs. Anything else throws `invalid_argument`.
   */
  retries?: "inline" | "none";
  /** SSRF guard options (checked by `createDispatcher`), or false to turn the guard off. */
  ssrf?: TargetOptions | false;
  /** Every endpoint's health policy (checked by `createDispatcher`). */
  health?: { policy?: HealthPolicy };
  /**
   * Options for envelopes built from plain events. Not `offload`: its parts must be stored before
   * the envelope is sent, so build such an envelope with `buildEnvelope`, store `offloaded`, and
   * dispatch the built envelope.
   */
  envelope?: Omit<EnvelopeOptions, "now" | "random" | "offload">;
  /**
   * Header carrying the event type; default "webhook-event-type". An HTTP header name other than
   * content-type, user-agent and webhook-delivery-id (else `invalid_argument`).
   */
  eventTypeHeader?: string;
  /**
   * For jobs that are the head of an ordering key (`headSinceMs`): how long such a head may keep
   * failing before it is given up (checked by `createDispatcher`; `invalid_policy`).
   */
  ordering?: OrderingPolicy;
}

/**
 * A sender from `createDispatcher`. It keeps one `DeliveryEndpoint` per subscription `id`,
 * reading a subscription's `health` only when the id is new.
 */
export interface Dispatcher {
  /**
   * Build the envelope (an `Envelope` is sent as is), match `subscriptions` (an array, or a
   * `Matcher` built once from it for many events), and deliver to each match. Resolves once every
   * delivery has ended (inline retries) or had its first attempt (`retries: "none"`). Never
   * rejects because an endpoint failed; rejects for a bad event (`invalid_event_type`,
   * `payload_too_large`) or an invalid `eventTypes` pattern in the array.
   */
  dispatch(event: EventInput | Envelope, subscriptions: DeliverySubscription[] | Matcher): Promise<DispatchSummary>;
  /**
   * One try of `job`, for a queue or a cron driving the schedule: never waits or retries, but
   * takes a concurrency slot like any request. Its keys come from the endpoint this dispatcher
   * already holds at that `secretVersion` and `revision`, else from `resolveKeys`. Calls
   * `onAttempt` and resolves with the record, the plan, the delivery's state and, for a retry,
   * the `next` job. Never rejects for the endpoint: a failure shows in `plan`, and an attempt
   * that cannot start is recorded and planned by the core like any other (keys that cannot be
   * had: `keys_unavailable`; an endpoint `resolveKeys` says is gone (`not_found`) or a job with
   * `endpointGone`: `cancelled`; a job marked `lost`: `unknown`).
   */
  attempt(job: DeliveryJob): Promise<AttemptResultWithPlan>;
  /** Each attempt's request timeout (ms); a worker's lease must be at least twice as long. */
  readonly timeoutMs: number;
  /**
   * A job for attempt 1 of `envelope` to `subscription`: plain JSON to put on a queue, the body
   * as text, no secret. `deliveryId` defaults to a new `dlv_` id.
   */
  makeJob(envelope: Envelope | { id: string; type: string; body: string | Uint8Array }, subscription: DeliverySubscription, deliveryId?: string): DeliveryJob;
  /**
   * How long a queue should still hold `job` before `attempt`, in ms and at most `maxMs` (default
   * 2^31 - 1), or `null` when it is due. A plan longer than the queue allows is thus waited out in
   * several hops (Cloudflare Queues: `maxMs` 43,200,000).
   */
  holdFor(job: DeliveryJob, maxMs?: number): number | null;
  /**
   * Send a stored event again to `subscription`, as a new delivery (new delivery id, attempt 1,
   * same event id); resolves like `dispatch`. Rejects with a `TypeError` when `envelope` has no
   * body or is not `record`'s event.
   */
  redeliver(record: AttemptRecord, subscription: DeliverySubscription, envelope: { id: string; type: string; body: string | Uint8Array }): Promise<DispatchSummary>;
  /** The endpoint's health after its latest attempt here: plain JSON to store; `undefined` if unknown. */
  health(endpointId: string): EndpointHealth | undefined;
}

/** A sender: matches, signs, delivers through `fetch`, retries per policy, logs every attempt. */
export function createDispatcher(options?: DispatcherOptions): Dispatcher;

/** An ed25519 key pair (Standard Webhooks `v1a`), from `generateKeyPair` or `publicKeyFromSecretKey`. */
export interface KeyPair {
  /** `whsk_...`: keep it secret, on the sender. */
  secretKey: string;
  /** `whpk_...`: give it to receivers. */
  publicKey: string;
  /** The public key as 64 hex characters. */
  publicKeyHex: string;
}
"#;

// The receiver: every entry's `Webhook`, `Verifier` and `verify*` are the raw-ABI build's
// (`pkg-template/lib/receiver.js` over `abi/`), not wasm-bindgen's, so they are declared here.
#[wasm_bindgen(typescript_custom_section)]
const TS_RECEIVERS: &'static str = r#"
/**
 * A Standard Webhooks receiver and signer for one key, a drop-in for the `Webhook` class of the
 * `standardwebhooks` and `svix` packages. The key is prepared once, in the constructor. A `whsk_`
 * key signs and verifies `v1a` (ed25519); a `whpk_` key only verifies.
 */
export class Webhook {
  /**
   * `secret` is `whsec_<base64>` (the prefix is optional), a `whsk_`/`whpk_` ed25519 key, or raw
   * key bytes with `{ format: "raw" }`. `options.tolerance` (seconds, default 300) bounds the
   * timestamp window.
   */
  constructor(secret: SecretLike, options?: WebhookOptions | null);
  /**
   * Sign a message: returns the `webhook-signature` value, `v1,<base64>` (or `v1a,` for a
   * `whsk_` key).
   */
  sign(msgId: string, timestamp: Date | number, payload: Payload): string;
  /**
   * Verify a delivery and return its parsed JSON body (`undefined` for an empty body, or always
   * with `{ jsonParse: false }`). Throws `WebhookVerificationError` with a `code` when it does not
   * verify. `T` names the payload's type (`wh.verify<InvoicePaid>(body, headers)`); it is not
   * checked at run time.
   */
  verify<T = unknown>(payload: Payload, headers: HeadersLike, options?: WebhookVerifyOptions | null): T;
  /** `Webhook { scheme: standard-webhooks, secret: <redacted> }`: never the key. */
  toString(): string;
  /** `{ scheme, secret: "<redacted>" }`: never the key. */
  toJSON(): unknown;
  /** Release the key's wasm memory now rather than when the object is collected. */
  free(): void;
  /** The same as `free()`, for `using`. */
  [Symbol.dispose](): void;
}
/**
 * A receiver for every scheme: keys are prepared once; `verify` detects the scheme from the
 * headers unless `scheme` was given. Keep one per endpoint and reuse it.
 */
export class Verifier {
  /** Prepare the keys (and the scheme, when named); a bad key or option throws here. */
  constructor(options: VerifierOptions);
  /**
   * Verify and describe a delivery; throws `WebhookVerificationError` when it does not verify.
   * `options.now` (a Date or unix seconds) replaces the clock. `T` names the payload's type; it
   * is not checked at run time.
   */
  verify<T = unknown>(payload: Payload, headers: HeadersLike, options?: NowOptions | null): VerifiedWebhook<T>;
  /** `Verifier { keys: n <redacted> }`: never a key. */
  toString(): string;
  /** `{ scheme, keys }`: the scheme (or `"auto"`) and how many keys, never a key. */
  toJSON(): unknown;
  /** Release the keys' wasm memory now rather than when the object is collected. */
  free(): void;
  /** The same as `free()`, for `using`. */
  [Symbol.dispose](): void;
}
/**
 * Verify a delivery of any scheme in one call and return its parsed JSON body, or `undefined`
 * with `{ jsonParse: false }` (which accepts any body bytes). The scheme is detected from the
 * headers unless `options.scheme` names it. `T` names the payload's type; it is not checked at
 * run time.
 */
export function verify<T = unknown>(payload: Payload, headers: HeadersLike, options: VerifyOptions): T;
/**
 * Verify a delivery of any scheme and describe it: scheme, which key matched, id, timestamp,
 * event type and the body (parsed JSON when it is JSON). `T` names the payload's type; it is not
 * checked at run time.
 */
export function verifyWebhook<T = unknown>(payload: Payload, headers: HeadersLike, options: VerifyOptions): VerifiedWebhook<T>;
/**
 * Verify a Fetch API `Request` (Node 20+, Deno, Bun, workerd, browsers): reads the raw body once
 * and returns what `verifyWebhook` returns plus `body`, the raw bytes. With `options.dedupe`, a
 * verified delivery the store has already claimed throws `duplicate`. `T` names the payload's
 * type; it is not checked at run time.
 */
export function verifyRequest<T = unknown>(request: RequestLike, options: VerifyRequestOptions): Promise<VerifiedRequest<T>>;
/**
 * The bytes of WebAssembly memory this package holds (the receiver's builds, and the sender's
 * once a sender API has loaded it): a diagnostic for leak monitoring (it grows when needed and
 * never shrinks).
 */
export function wasmMemoryBytes(): number;
"#;
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "Payload")]
    pub type PayloadInput;
    #[wasm_bindgen(typescript_type = "HeadersLike")]
    pub type HeadersInput;
    #[wasm_bindgen(typescript_type = "SecretLike")]
    pub type SecretInput;
    #[wasm_bindgen(typescript_type = "string")]
    pub type StringInput;
    #[wasm_bindgen(typescript_type = "Date | number")]
    pub type TimeInput;
    #[wasm_bindgen(typescript_type = "WebhookOptions")]
    pub type WebhookOptions;
    #[wasm_bindgen(typescript_type = "WebhookVerifyOptions")]
    pub type WebhookVerifyOptions;
    #[wasm_bindgen(typescript_type = "VerifierOptions")]
    pub type VerifierOptions;
    #[wasm_bindgen(typescript_type = "NowOptions")]
    pub type NowOptions;
    #[wasm_bindgen(typescript_type = "VerifyOptions")]
    pub type VerifyOptionsInput;
    #[wasm_bindgen(typescript_type = "VerifyRequestOptions")]
    pub type VerifyRequestOptionsInput;
    #[wasm_bindgen(typescript_type = "VerifiedWebhook")]
    pub type VerifiedWebhook;
    #[wasm_bindgen(typescript_type = "VerifiedRequest")]
    pub type VerifiedRequest;
    #[wasm_bindgen(typescript_type = "RequestLike")]
    pub type RequestInput;
    #[wasm_bindgen(typescript_type = "SignHeadersOptions")]
    pub type SignHeadersInput;
    #[wasm_bindgen(typescript_type = "SignerOptions")]
    pub type SignerOptions;
    #[wasm_bindgen(typescript_type = "SignedHeaders")]
    pub type SignedHeaders;
    #[wasm_bindgen(typescript_type = "StripeTestHeaderOptions")]
    pub type StripeTestHeaderInput;
    #[wasm_bindgen(typescript_type = "ClockOptions")]
    pub type ClockOptions;
    #[wasm_bindgen(typescript_type = "EventInput")]
    pub type EventInputJs;
    #[wasm_bindgen(typescript_type = "EnvelopeOptions")]
    pub type EnvelopeOptionsJs;
    #[wasm_bindgen(typescript_type = "Envelope")]
    pub type EnvelopeJs;
    #[wasm_bindgen(typescript_type = "RetryPolicy")]
    pub type RetryPolicyInput;
    #[wasm_bindgen(typescript_type = "Outcome")]
    pub type OutcomeInput;
    #[wasm_bindgen(typescript_type = "DecisionOptions")]
    pub type DecisionOptions;
    #[wasm_bindgen(typescript_type = "Decision")]
    pub type DecisionJs;
    #[wasm_bindgen(typescript_type = "Classification")]
    pub type ClassificationJs;
    #[wasm_bindgen(typescript_type = "number")]
    pub type NumberInput;
    #[wasm_bindgen(typescript_type = "number[]")]
    pub type NumberArray;
    #[wasm_bindgen(typescript_type = "string | URL")]
    pub type UrlInput;
    #[wasm_bindgen(typescript_type = "TargetOptions")]
    pub type TargetOptionsJs;
    #[wasm_bindgen(typescript_type = "Target")]
    pub type TargetJs;
    #[wasm_bindgen(typescript_type = "Subscription[]")]
    pub type SubscriptionsInput;
    #[wasm_bindgen(typescript_type = "Subscription[]")]
    pub type SubscriptionsOutput;
    #[wasm_bindgen(typescript_type = "EventMeta")]
    pub type EventMetaInput;
    #[wasm_bindgen(typescript_type = "MatcherOptions")]
    pub type MatcherOptions;
    #[wasm_bindgen(typescript_type = "MatcherError[]")]
    pub type MatcherErrors;
    #[wasm_bindgen(typescript_type = "EndpointHealth")]
    pub type EndpointHealthJs;
    #[wasm_bindgen(typescript_type = "AttemptResult")]
    pub type AttemptResultInput;
    #[wasm_bindgen(typescript_type = "HealthOptions")]
    pub type HealthOptions;
    #[wasm_bindgen(typescript_type = "Admission")]
    pub type AdmissionJs;
    #[wasm_bindgen(typescript_type = "KeyPair")]
    pub type KeyPair;
    #[wasm_bindgen(typescript_type = "unknown")]
    pub type Unknown;
    #[wasm_bindgen(typescript_type = "DeliveryEndpointOptions")]
    pub type DeliveryEndpointOptions;
    #[wasm_bindgen(typescript_type = "DeliveryKeys")]
    pub type DeliveryKeys;
    #[wasm_bindgen(typescript_type = "AttemptBegin")]
    pub type BeginJs;
    #[wasm_bindgen(typescript_type = "AttemptFinished")]
    pub type FinishedJs;
    #[wasm_bindgen(typescript_type = "JobEnvelope")]
    pub type JobEnvelopeJs;
    #[wasm_bindgen(typescript_type = "UnstartedReason")]
    pub type UnstartedInput;
    #[wasm_bindgen(typescript_type = "EndpointStatus")]
    pub type EndpointStatusJs;
    #[wasm_bindgen(typescript_type = "EndpointChange")]
    pub type EndpointChangeInput;
    #[wasm_bindgen(typescript_type = "EndpointChanged")]
    pub type EndpointChangedJs;
    #[wasm_bindgen(typescript_type = "EndpointEvent | null")]
    pub type EndpointEventOrNull;
    #[wasm_bindgen(typescript_type = "ReadinessFacts")]
    pub type ReadinessFactsInput;
    #[wasm_bindgen(typescript_type = "ReadinessPolicy")]
    pub type ReadinessPolicyInput;
    #[wasm_bindgen(typescript_type = "Readiness")]
    pub type ReadinessJs;
    #[wasm_bindgen(typescript_type = "string | null")]
    pub type StringOrNull;
    #[wasm_bindgen(typescript_type = "RateLimit")]
    pub type RateLimitInput;
    #[wasm_bindgen(typescript_type = "Required<RateLimit>")]
    pub type RateLimitJs;
    #[wasm_bindgen(typescript_type = "Throttle")]
    pub type ThrottleJs;
    #[wasm_bindgen(typescript_type = "(number | null)[]")]
    pub type ReservedInput;
    #[wasm_bindgen(typescript_type = "ThrottleAdmitted")]
    pub type AdmittedJs;
    #[wasm_bindgen(typescript_type = "{ status: number; retryAfter?: string }")]
    pub type ThrottleResponseInput;
    #[wasm_bindgen(typescript_type = "OrderingPolicy")]
    pub type OrderingPolicyJs;
    #[wasm_bindgen(typescript_type = "boolean")]
    pub type BooleanInput;
    #[wasm_bindgen(typescript_type = "ThrottlePace")]
    pub type PaceJs;
    #[wasm_bindgen(typescript_type = "{ tatMs?: number }")]
    pub type SentJs;
    #[wasm_bindgen(typescript_type = "{ atMs: number; sent: { tatMs: number } }")]
    pub type PacedJs;
}
