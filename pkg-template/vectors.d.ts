// hookline/vectors: the conformance vectors (JSON). Load them with
//   import vectors from "hookline/vectors" with { type: "json" };   // Node >= 20.10, Deno, Bun
//   const vectors = require("hookline/vectors");                    // CommonJS (typed by vectors.d.cts)
// and run them with `hookline conformance`.

/** hookline's error code for a refusal, as `WebhookVerificationError.code` carries it. */
export type ConformanceCode = "no_matching_signature" | "timestamp_too_old" | "timestamp_too_new" | "missing_header" | "invalid_header" | "invalid_payload" | "scheme_downgrade";
/** The same refusal in words any verifier's result can be mapped to. */
export type ConformanceCategory = "signature_mismatch" | "timestamp_too_old" | "timestamp_too_new" | "missing_header" | "malformed_header" | "invalid_payload" | "scheme_downgrade";
/** The mistake a case is there to catch (described in `ConformanceVectors.bug_classes`). */
export type BugClass =
  | "baseline"
  | "tampered_payload"
  | "wrong_key"
  | "signed_content"
  | "raw_body"
  | "tolerance_old"
  | "tolerance_future"
  | "tolerance_boundary"
  | "tolerance_option"
  | "timestamp_units"
  | "secret_prefix"
  | "rotation"
  | "signature_version"
  | "legacy_algorithm"
  | "signature_encoding"
  | "missing_header"
  | "malformed_header"
  | "invalid_payload"
  | "signed_url"
  | "param_sorting"
  | "body_hash"
  | "scheme_downgrade"
  | "token_length";

/** A request and the receiver's state; exactly one of `payload` / `payload_base64`, and of `secrets` / `public_keys`. */
export interface ConformanceInput {
  /** The body as UTF-8 text. */
  payload?: string;
  /** The body's bytes in base64, when they are not UTF-8. */
  payload_base64?: string;
  /** The request's headers (names in any case). */
  headers: Record<string, string>;
  /** HMAC secrets, tried in order (rotation). */
  secrets?: string[];
  /** Public keys (ed25519: whpk_ for Standard Webhooks v1a, hex for Discord; P-256: base64 SubjectPublicKeyInfo DER for SendGrid), tried in order. */
  public_keys?: string[];
  /** The receiver's clock, in unix seconds. */
  now: number;
  /** The tolerance in seconds; absent: the scheme's default. */
  tolerance?: number;
  /** The custom scheme's configuration (hookline's `custom` option). */
  config?: { header: string; prefix: string; encoding: "hex" | "base64"; content: "body" | "timestamp.body"; timestampHeader?: string; format: "plain" | "stripe" };
  /** The URL the provider called, for schemes that sign it. */
  url?: string;
  /** The request's method, for schemes that sign it (absent: POST). */
  method?: string;
  /** true: the scheme is not named, the verifier finds it from the headers (hookline's detection; other verifiers cannot take the case). Absent: the case's scheme is named. */
  detect?: true;
}

/** What a verifier must answer: accept, or refuse (with hookline's code and the neutral category). */
export type ConformanceExpect = { valid: true } | { valid: false; code: ConformanceCode; category: ConformanceCategory };

/** One case. */
export interface ConformanceCase {
  /** `${scheme}/${slug}`, unique in the file. */
  id: string;
  /** A key of `ConformanceVectors.schemes`. */
  scheme: string;
  description: string;
  bug_class: BugClass;
  input: ConformanceInput;
  expect: ConformanceExpect;
}

/** The whole file. */
export interface ConformanceVectors {
  format: "hookline-conformance-vectors";
  /** Bumped when a field changes meaning. */
  version: 1;
  description: string;
  /** The units of `now`, `tolerance` and the payload fields, in words. */
  units: { now: string; tolerance: string; payload: string };
  /** hookline error code -> category. */
  codes: Record<ConformanceCode, ConformanceCategory>;
  /** Each bug class, in words. */
  bug_classes: Record<BugClass, string>;
  /** Each scheme: its recipe, which key field its cases use, where the recipe comes from. */
  schemes: Record<string, { description: string; keys: "secrets" | "public_keys"; sources: string[] }>;
  cases: ConformanceCase[];
}

/** The conformance vectors. */
declare const vectors: ConformanceVectors;
export default vectors;
