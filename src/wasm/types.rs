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
  | "custom";

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
  | "random_unavailable";

/** Base class of every error hookline throws on purpose. */
export class HooklineError extends Error {
  /** Stable, machine-readable reason; safe to log and to branch on. */
  readonly code: ErrorCode;
  /** What usually causes this, for the developer reading the log. */
  readonly hint?: string;
}

/** A webhook failed verification, or the receiver was configured wrongly (`invalid_secret`). */
export class WebhookVerificationError extends HooklineError {}

export interface WebhookOptions {
  /** `"raw"`: the secret is the key bytes themselves, not `whsec_` base64. */
  format?: "raw";
  /** Seconds a timestamp may be off either way. Default 300. */
  tolerance?: number;
}

export interface WebhookVerifyOptions {
  /** `false`: return `undefined` instead of the parsed body (any body bytes are accepted). */
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

export interface KeyOptions {
  /** A shared secret. Standard Webhooks: `whsec_...`; Stripe: the whole `whsec_...` string; others: the secret text. */
  secret?: KeyLike;
  /** Several secrets during rotation: any one matching is enough. */
  secrets?: KeyLike[];
  /** An ed25519 public key: `whpk_...` (Standard Webhooks v1a) or 64 hex characters (Discord). */
  publicKey?: KeyLike;
  publicKeys?: KeyLike[];
  /** `"raw"`: string secrets are key bytes, not base64. */
  format?: "raw";
}

export interface VerifierOptions extends KeyOptions {
  /** The scheme; omitted, it is detected from the signature header of each request. */
  scheme?: SchemeName;
  /** Your own header layout; detected by its header name when `scheme` is omitted. */
  custom?: CustomSchemeConfig;
  /** Seconds a timestamp may be off either way. Default 300 (Linear: 60). */
  tolerance?: number;
  /** Do not parse the body; `payload` is `undefined` in results. */
  raw?: boolean;
}

export interface NowOptions {
  /** Replaces the clock: a Date or unix seconds. */
  now?: Date | number;
}

export interface VerifyOptions extends VerifierOptions, NowOptions {}

/** What verification learned about a delivery. */
export interface VerifiedWebhook {
  scheme: Exclude<SchemeName, "svix">;
  /** Index of the matching key among secret, secrets, publicKey, publicKeys (in that order). */
  keyIndex: number;
  /** The matching key's `id`, or where it was given (`"secrets[1]"`). */
  keyId: string;
  /** Message or delivery id, where the scheme sends one. */
  id?: string;
  /** Signed timestamp in unix seconds, where the scheme has one. */
  timestamp?: number;
  /** Event type, where the scheme sends it in a header (GitHub, Shopify, Linear). */
  eventType?: string;
  /** The body: parsed JSON if it is JSON, the text if other UTF-8, else undefined. */
  payload: unknown;
}

export interface VerifiedRequest extends VerifiedWebhook {
  /** The raw body bytes that were verified. */
  body: Uint8Array;
}

/** Anything with the Fetch API's `Request` shape. */
export interface RequestLike {
  headers: Headers;
  bodyUsed?: boolean;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface SignHeadersOptions extends KeyOptions {
  /** Default `"standard-webhooks"`. */
  scheme?: SchemeName;
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

export interface StripeTestHeaderOptions {
  payload: Payload;
  secret?: string;
  /** Unix seconds; default now. */
  timestamp?: number;
  scheme?: "v1";
  /** Use this signature instead of computing one. */
  signature?: string;
}

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

export interface EnvelopeOptions extends ClockOptions {
  /** Default 262144 (256 KiB). */
  maxPayloadBytes?: number;
  /** Default `msg_`. */
  idPrefix?: string;
  /** Move the largest parts of `data` to references instead of failing with payload_too_large. */
  offload?: { minBytes?: number; urlTemplate: string };
}

export interface OffloadedPart {
  /** Dot path inside `data`. */
  name: string;
  size: number;
  contentType: string;
  url: string;
  /** Upload these bytes to `url`. */
  body: Uint8Array;
}

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

export interface KeyPair {
  /** `whsk_...`: keep it secret, on the sender. */
  secretKey: string;
  /** `whpk_...`: give it to receivers. */
  publicKey: string;
  /** The public key as 64 hex characters. */
  publicKeyHex: string;
}
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
    #[wasm_bindgen(typescript_type = "VerifiedWebhook")]
    pub type VerifiedWebhook;
    #[wasm_bindgen(typescript_type = "VerifiedRequest")]
    pub type VerifiedRequest;
    #[wasm_bindgen(typescript_type = "RequestLike")]
    pub type RequestInput;
    #[wasm_bindgen(typescript_type = "SignHeadersOptions")]
    pub type SignHeadersInput;
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
    #[wasm_bindgen(typescript_type = "KeyPair")]
    pub type KeyPair;
    #[wasm_bindgen(typescript_type = "unknown")]
    pub type Unknown;
}
