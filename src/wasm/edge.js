// The JS half of the sender's binding: result objects and reads of the caller's values that are
// simpler (and safer) in JS. wasm-bindgen copies this file into its output as a snippet;
// scripts/build.mjs bundles this original in its place, so the relative imports below resolve.
// The error classes are the package's one errors module (the build keeps lib/errors.js out of
// the bundle), so `instanceof` works against what users import from any entry. A signer's keys,
// scheme and payload are encoded here the receiver's way (lib/encode.js) for the one converter
// (src/input.rs).

import { HooklineError, SenderError, WebhookVerificationError } from "../../pkg-template/lib/errors.js";
import { acquire, options, OPTIONS, PAYLOAD, release, TIME } from "../../pkg-template/lib/encode.js";
import { errorFrom, makeError, messageOf } from "../../pkg-template/lib/messages.js";
import { bytesView as viewOf } from "../../pkg-template/lib/read.js";

export { HooklineError, SenderError, WebhookVerificationError };

// A receiver-side error met on the sender's path (a subscription's malformed secret) as a
// SenderError; anything else unchanged.
export function asSenderError(err) {
  return err instanceof WebhookVerificationError ? new SenderError(err.code, err.message, err.hint) : err;
}

// An error the core described (code, reason, parameters), its message and hint from the one
// table (lib/messages.js). kind: 0 verification, 1 general, 2 a value of the wrong JS type,
// 3 sender.
export function describedError(kind, code, reason, t1, t2, n1, n2) {
  return errorFrom(kind, { code, reason, t1, t2, n1, n2 });
}

/** The message the table writes for a described error (a lenient Matcher's `errors`). */
export function describedMessage(code, reason, t1, t2, n1, n2) {
  return messageOf({ code, reason, t1, t2, n1, n2 });
}

// An error whose message the sender's binding wrote itself (a serde message, a sender's option).
export { makeError };

/** A URL's text without its username and password, for records and logs. */
export function redactedHref(u) {
  if (u.username === "" && u.password === "") return u.href;
  const copy = new URL(u.href);
  copy.username = "";
  copy.password = "";
  return copy.href;
}

/** The platform's WHATWG URL parser, as the parts the SSRF guard reads; null if it throws. */
export function urlParts(url) {
  let u;
  try {
    u = url instanceof URL ? url : new URL(String(url));
  } catch {
    return null;
  }
  return {
    scheme: u.protocol.replace(/:$/, ""),
    username: u.username,
    password: u.password,
    host: u.hostname,
    port: u.port === "" ? null : Number(u.port),
    redacted: redactedHref(u),
  };
}

// Result objects built in one call from wasm: one crossing instead of a Reflect.set per field.

export function envelopeObject(id, type, timestamp, timestampMs, tenant, channels, body, offloaded) {
  const out = { id, type, timestamp, timestampMs };
  if (tenant !== undefined) out.tenant = tenant;
  out.channels = channels;
  out.body = body;
  out.offloaded = offloaded;
  return out;
}

// The dispatcher's envelope: only what a delivery job carries and matching reads.
export function jobEnvelopeObject(id, type, tenant, channels, body) {
  const out = { id, type, body, channels: channels ?? [] };
  if (tenant !== undefined) out.tenant = tenant;
  return out;
}

// `count` pairs of header name and value (at most four); names are lowercase already. Own data
// properties (fromEntries defines them): a setter on Object.prototype is never run from inside a
// wasm call.
export function headersObject(count, n0, v0, n1, v1, n2, v2, n3, v3) {
  const pairs = [[n0, v0], [n1, v1], [n2, v2], [n3, v3]];
  pairs.length = count;
  return Object.fromEntries(pairs);
}

// Empty strings and undefined numbers are the fields a decision does not carry.
export function decisionObject(kind, reason, status, atMs, delayMs, attempt, retryAfterMs, cause) {
  if (kind === "delivered") return { kind, status };
  if (kind === "retry") {
    const out = { kind, atMs, delayMs, attempt, reason };
    if (status !== undefined) out.status = status;
    if (retryAfterMs !== undefined) out.retryAfterMs = retryAfterMs;
    return out;
  }
  if (kind === "giveUp") {
    const out = { kind, reason };
    if (status !== undefined) out.status = status;
    if (cause) out.cause = cause;
    return out;
  }
  return { kind, reason, status };
}

export function admissionObject(kind, untilMs, reason) {
  if (kind === "deny") return { kind, untilMs };
  if (kind === "disabled") return { kind, reason };
  return { kind };
}

// String bodies go into wasm memory through TextEncoder.encodeInto, which is far faster for large
// ASCII text than writing it a character at a time.
const utf8 = new TextEncoder();

export function stringLength(text) {
  return text.length;
}

// The platform's HMAC-SHA256, when a loader has one (node:crypto): faster than wasm for large
// bodies. The wasm asks for it only past a size threshold and compares the tag itself.
let platformHmac = null;

/** The loader's `(key, prefix, body) => 32 bytes`, given once at instantiation; not exported by the package. */
export function setHostHmac(fn) {
  platformHmac = typeof fn === "function" ? fn : null;
}

/** The tag into `out` (views on wasm memory); false leaves the HMAC to wasm. */
export function hostHmac(key, prefix, body, out) {
  if (platformHmac === null) return false;
  try {
    const tag = platformHmac(key, prefix, body);
    if (!(tag instanceof Uint8Array) || tag.length !== out.length) return false;
    out.set(tag);
    return true;
  } catch {
    return false;
  }
}

/** Write `text` as UTF-8 into `out` (a view on wasm memory): the bytes written, or -1 if short. */
export function encodeInto(text, out) {
  const { read, written } = utf8.encodeInto(text, out);
  return read === text.length ? written : -1;
}

// A signer's options and values, encoded for the one converter (src/input.rs). What the caller's
// getters threw stays here, by slot, for the error the binding makes right after (nothing runs
// in between: a re-entrant getter finishes its own call before this one reads them).
let lastSlots = [];

/** A signer's options (keys, scheme, custom layout, Stripe's test fields), encoded. */
export function encodeOptions(value) {
  const w = acquire();
  try {
    options(w, value, OPTIONS);
    lastSlots = w.slots;
    return w.buf.slice(0, w.at);
  } finally {
    release(w);
  }
}

/** One value encoded: `kind` 1 a payload, 0 a time. */
export function encodeValue(value, kind) {
  const w = acquire();
  try {
    (kind === 1 ? PAYLOAD : TIME)(w, value);
    lastSlots = w.slots;
    return w.buf.slice(0, w.at);
  } finally {
    release(w);
  }
}

/** What the caller's getter threw, by the slot the converter named. */
export function encodedSlot(slot) {
  return lastSlots[slot];
}

/** The bytes a payload holds (see read.js), or why not. */
export function bytesView(value) {
  return viewOf(value, () => {});
}
