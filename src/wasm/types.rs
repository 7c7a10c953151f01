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

/** Stable error codes. */
export type ErrorCode =
  | "missing_header"
  | "invalid_header"
  | "timestamp_too_old"
  | "timestamp_too_new"
  | "no_matching_signature"
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

export interface VerifyOptions {
  /** The endpoint's secret. */
  secret?: SecretLike;
  /** Several secrets during rotation: any one matching is enough. */
  secrets?: SecretLike[];
  /** `"raw"`: string secrets are key bytes, not base64. */
  format?: "raw";
  /** Seconds a timestamp may be off either way. Default 300. */
  tolerance?: number;
  /** Replaces the clock: a Date or unix seconds. */
  now?: Date | number;
  /** Do not parse the body as JSON; return `undefined` once verified. */
  raw?: boolean;
}

export interface SignHeadersOptions {
  secret?: SecretLike;
  /** Sign with each of these; receivers holding any one of them accept. */
  secrets?: SecretLike[];
  format?: "raw";
  /** The body to sign, exactly as it will be sent. */
  payload: Payload;
  /** Message id; default a new time-sortable `msg_...` id. */
  id?: string;
  /** Signing time: a Date or unix seconds; default now. */
  timestamp?: Date | number;
}

export interface StandardHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
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
    #[wasm_bindgen(typescript_type = "VerifyOptions")]
    pub type VerifyOptionsInput;
    #[wasm_bindgen(typescript_type = "SignHeadersOptions")]
    pub type SignHeadersInput;
    #[wasm_bindgen(typescript_type = "StandardHeaders")]
    pub type StandardHeadersOutput;
    #[wasm_bindgen(typescript_type = "unknown")]
    pub type Unknown;
}
