// The text of the package's error messages and hints, from what the core says: a code, a reason
// (a key of REASONS; a sender's reason may still be a sentence, shown as it is) and the parameters
// the code's message names (t1, t2: texts; n1, n2: numbers). One table for both bindings and every
// runtime (the wasm carries codes, not text); lib/messages.js makes the errors. Node and Bun load
// it the first time an error is made (pkg/messages.cjs, required by node.cjs through
// loaders/node-message-text.js): a receiver that verifies pays nothing for it at start-up. The
// other runtimes' ES modules bundle it.

const RAW_BODY = "pass the raw request body";
const NOT_JSON = "for other bodies";

// Reasons: what each key says. `$1` is the error's first text (an option's name).
const REASONS = {
  // Keys and secrets.
  secret_empty: "secret is empty",
  secret_whitespace: "secret contains whitespace; trim the value read from the environment",
  secret_edge_whitespace: "secret starts or ends with whitespace; trim the value read from the environment",
  secret_too_long: "secret decodes to more than 1024 bytes",
  whsec_not_base64: "secret is not valid base64 after the whsec_ prefix",
  whsec_empty: "secret is empty after the whsec_ prefix",
  raw_secret_too_long: "raw secret is longer than 1024 bytes",
  raw_string_range: "a raw string secret may only hold characters up to U+00FF",
  public_key_length: "an ed25519 public key is 32 bytes",
  public_key_invalid: "not a valid ed25519 public key",
  whpk_prefix: "a Standard Webhooks public key starts with whpk_",
  whpk_not_base64: "public key is not valid base64 after the whpk_ prefix",
  public_key_hex: "an ed25519 public key in hex is 64 hex characters",
  whsk_prefix: "a Standard Webhooks secret key starts with whsk_",
  whsk_not_base64: "secret key is not valid base64 after the whsk_ prefix",
  whsk_length: "a whsk_ secret key is a 32-byte seed, or the seed then the public key",
  whsk_mismatch: "the public half of the whsk_ key does not match its seed",
  seed_hex: "an ed25519 seed in hex is 64 hex characters",
  seed_length: "an ed25519 seed is 32 bytes",
  whpk_cannot_sign: "a whpk_ public key can verify but not sign; sign with the whsk_ key",
  hmac_key: "key cannot be used for HMAC-SHA256",
  no_keys: "at least one secret or public key is required",
  no_keys_given: "options need a secret, secrets, publicKey or publicKeys",
  too_many_keys: "more than 64 keys",
  no_usable_key: "no usable key",
  no_key_for_scheme: "no key usable for the detected scheme",
  secret_required: "secret is required",
  key_unreadable: "invalid $1: the key's bytes could not be read",
  key_type: "invalid $1: expected a string, a Uint8Array or { id, key }",
  keys_unreadable: "options.$1 could not be read: reading it threw",
  keys_not_array: "options.$1 must be an array",
  // Signing.
  one_signature: "this scheme carries one signature: sign with one key",
  one_signature_header: "this header carries one signature: sign with one secret",
  timestamp_before_1970: "timestamp is before 1970",
  no_signing_key: "no signing key",
  message_id_empty: "message id is empty",
  key_cannot_sign: "this key type cannot sign under this scheme",
  // Options.
  options_not_object: "options must be an object",
  option_not_string: "options.$1 must be a string",
  format_raw: 'options.format must be "raw" or omitted',
  tolerance_range: "tolerance must be a whole number of seconds between 0 and 1e9",
  tolerance_too_large: "tolerance is in seconds and must be at most 1e9",
  max_payload_range: "maxPayloadBytes must be a whole number of bytes",
  scheme_unknown:
    "options.scheme must be one of standard-webhooks, svix, stripe, github, slack, shopify, discord, linear, twilio, paddle, square, zoom, hubspot, vercel, intercom, gitlab, sendgrid, custom",
  scheme_verify_only: "this provider's scheme is verified, not signed: sign with standard-webhooks (or stripe, github, slack, shopify, discord, linear)",
  url_required: "this scheme signs the URL the provider called: pass options.url (the URL exactly as configured at the provider)",
  url_invalid: "options.url must be a URL of 1 to 8192 bytes",
  method_invalid: "options.method must be an HTTP method (letters only, at most 16)",
  custom_missing: 'scheme "custom" needs options.custom',
  custom_needs_config: "a custom scheme needs its configuration",
  custom_header_required: "options.custom.header is required",
  custom_header_name: "custom scheme header names must be HTTP tokens of 1 to 128 characters",
  custom_prefix: "custom scheme prefix must be at most 32 visible ASCII characters",
  custom_encoding: "options.custom.encoding must be hex or base64",
  custom_format: "options.custom.format must be plain or stripe",
  time_type: "$1 must be a Date or unix seconds",
  time_range: "$1 is not a valid time",
  not_string: "$1 must be a string",
  raw_option: "options.raw is not an option: pass jsonParse: false to leave the body unparsed",
  verifier_options: "new Verifier(options) needs an options object with keys",
  options_required: "options with a secret or public key are required",
  dedupe_store: "dedupe must be a store with claim(key, leaseUntilMs), complete(key, untilMs) and release(key)",
  retention_range: "dedupeRetention must be a whole number of seconds from 1 to 1e9",
  retention_below_tolerance: "dedupeRetention must be at least the verifier's tolerance (a shorter one would forget a delivery while a replay of it still verifies)",
  not_a_request: "verifyRequest needs a Fetch API Request; for node:http or Express pass the raw body and headers to verifyWebhook",
  freed: "this receiver was freed",
  internal: "the package's glue and wasm are out of step",
  // Headers.
  headers_type: "headers must be a Headers, a Map or a plain object of header names to values",
  headers_unreadable: "the headers could not be read: reading them threw",
  header_too_long: "longer than 16 KiB",
  not_unix_seconds: "not a unix timestamp in whole seconds",
  not_unix_ms: "not a unix timestamp in whole milliseconds",
  paddle_no_ts: "no ts= timestamp",
  sendgrid_public_key: "a SendGrid verification key is the base64 of a P-256 public key (SubjectPublicKeyInfo DER), as the Event Webhook settings show it",
  too_many_signatures_in_header: "more than 64 signatures",
  stripe_no_t: "no t= timestamp",
  // Payloads.
  payload_detached: "the payload's ArrayBuffer is detached (it was transferred)",
  payload_unreadable: "the payload could not be read: reading it threw",
  payload_required: `payload is required: ${RAW_BODY}`,
  payload_object: "expected the raw body as a string, Uint8Array or ArrayBuffer",
  payload_type: "expected the raw body as a string, Uint8Array or ArrayBuffer",
  body_used: "the request body was already read; verify before parsing it",
  body_not_bytes: "the request body's stream gave something else than bytes (in Node, do not call req.setEncoding() before verifying)",
  not_utf8_webhook: `verified body is not UTF-8 JSON; ${NOT_JSON} pass { jsonParse: false } as verify's third argument`,
  not_json_webhook: `verified body is not valid JSON; ${NOT_JSON} pass { jsonParse: false } as verify's third argument`,
  not_utf8_options: `verified body is not UTF-8 JSON; ${NOT_JSON} add jsonParse: false to the options`,
  not_json_options: `verified body is not valid JSON; ${NOT_JSON} add jsonParse: false to the options`,
  linear_no_timestamp: "linear body has no numeric webhookTimestamp",
  linear_repeated_timestamp: "linear body has more than one webhookTimestamp",
  linear_not_json: "linear body is not a JSON object",
  // Dedupe stores.
  claim_threw: "the store's claim threw",
  claim_rejected: "the store's claim rejected",
  claim_answer: 'the store\'s claim answered neither true, false nor "pending"',
  // Loading.
  module_hmac: "the receiver's module could not be loaded",
  module_ed25519: "the receiver's ed25519 module could not be loaded",
  module_providers: "the receiver's providers module (Twilio, Vercel, Intercom, SendGrid) could not be loaded",
  module_sender: "the sender's module could not be loaded",
};

/** A reason's text: the table's (with the first text in place of $1), or the reason itself. */
export function reasonText(d) {
  const text = REASONS[d.reason];
  return text === undefined ? d.reason ?? "" : text.replace("$1", d.t1 ?? "");
}

/** A day or more of seconds also in the largest whole unit it holds, " (3 years)"; nothing under a day. */
function long(secs) {
  for (const [size, unit] of [[31_557_600, "year"], [86_400, "day"]]) {
    const n = Math.floor(secs / size);
    if (n > 0) return ` (${n} ${unit}${n === 1 ? "" : "s"})`;
  }
  return "";
}

// Messages by code, from the description; a code without an entry is "<code words>: <reason>".
const MESSAGES = {
  missing_header: (d) =>
    `missing required header ${d.t1}${d.t2 ? ` (the request carries ${d.t2} headers: pass scheme "${d.t2}" or omit scheme)` : ""}`,
  invalid_header: (d) => (d.t1 ? `invalid ${d.t1} header: ${reasonText({ reason: d.reason })}` : reasonText(d)),
  unknown_scheme: () => "no webhook signature header of a known scheme found",
  ambiguous_scheme: (d) => `signature headers of both ${d.t1} and ${d.t2} found: pass scheme to choose`,
  timestamp_too_old: (d) => `message timestamp too old: ${d.n1} s${long(d.n1)} before now, tolerance ${d.n2} s`,
  timestamp_too_new: (d) => `message timestamp too new: ${d.n1} s${long(d.n1)} after now, tolerance ${d.n2} s`,
  no_matching_signature: () => "no matching signature",
  payload_too_large: (d) =>
    d.reason === "memory" ? `payload too large: ${d.n1} bytes do not fit in the receiver's memory` : `payload too large: ${d.n1} bytes, limit ${d.n2}`,
  scheme_downgrade: (d) => `scheme downgrade: a ${d.t1} signature over another scheme's signed content (a replay re-framed without its timestamp)`,
  too_many_signatures: (d) => `too many signatures: ${d.n1} ed25519 signatures, at most ${d.n2}`,
  duplicate: (d) => `duplicate delivery: ${d.t1} was already accepted`,
  in_progress: (d) => `delivery in progress: ${d.t1} is being handled by another request`,
  dedupe_unavailable: (d) => `dedupe store unavailable: ${reasonText(d)}`,
  ed25519_unavailable: () => "ed25519 is not in this build",
  scheme_unavailable: () => "this scheme is not in this build",
  module_unavailable: (d) => `hookline: ${reasonText(d)}`,
  random_unavailable: () => "no secure random source is available here",
  // The sender's: a parameter the core refused is named before why (a reason key says it itself).
  invalid_argument: (d) => `invalid argument: ${d.t1 && REASONS[d.reason] === undefined ? `${d.t1} ` : ""}${reasonText(d)}`,
  token_expired: () => "the token has expired",
  delivery_ended: (d) => `the delivery has ended (${d.t1}): only a pending delivery can be cancelled`,
};

// Hints by code, or by reason where one reason has its own.
const HINTS = {
  no_matching_signature: `check that the secret belongs to this endpoint and that the payload is the raw request body, byte for byte, not re-serialized JSON`,
  timestamp_too_old: "the sender's clock or a replayed request; check the server clock, or raise the tolerance if deliveries are queued",
  unknown_scheme: "pass all request headers, or name the scheme; custom header names need a custom scheme configuration",
  missing_header: (d) =>
    d.t2
      ? "the request was signed under another scheme than the one configured; omit scheme to detect it from the headers"
      : "pass all request headers; frameworks may drop or rename them, and a proxy may strip them",
  scheme_downgrade:
    'name the scheme (scheme: "github") if this sender really signs bodies that begin like v0:<ts>: or <ts>. or carry a top-level webhookTimestamp; otherwise this is a replay of a timestamped request',
  duplicate: "the sender sent it again (a retry, or a replay): answer 2xx so it stops, and do not process it a second time",
  in_progress: "another request is handling this delivery now: answer 409 so the sender tries again later, when it is done or released",
  dedupe_unavailable: 'the dedupe store failed or answered neither true, false nor "pending": answer 5xx so the sender retries later',
  payload_object: `${RAW_BODY} (a string or bytes) exactly as received; a parsed JSON object cannot be verified because re-serializing it changes the bytes (in Express use express.raw({ type: 'application/json' }))`,
  payload_type: `${RAW_BODY} as a string, Uint8Array or ArrayBuffer`,
  random_unavailable: "Cloudflare Workers allow random values only inside a request handler",
  url_required:
    "give the URL exactly as configured at the provider (options.url); behind a proxy the server's own view of it is not the provider's: in hookline/middleware set trustProxy: true to rebuild it from X-Forwarded-Proto and X-Forwarded-Host",
};
HINTS.timestamp_too_new = HINTS.timestamp_too_old;

/** The message of a described error. */
export function messageOf(d) {
  const m = MESSAGES[d.code];
  if (m) return m(d);
  return `${d.code.replaceAll("_", " ")}: ${reasonText(d)}`;
}

/** The hint of a described error, if its code or reason has one. */
export function hintOf(d) {
  const h = HINTS[d.reason] ?? HINTS[d.code];
  return typeof h === "function" ? h(d) : h;
}
