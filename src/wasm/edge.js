// The JS half of the binding layer: header lookup, result objects and reads of the caller's values
// that are simpler (and safer) in JS. wasm-bindgen copies this file into its output as a snippet;
// scripts/build.mjs bundles this original in its place, so the relative imports below resolve.
// The error classes are the package's one errors module (the build keeps lib/errors.js out of
// the bundle as errors.mjs / errors.cjs), so `instanceof` works against what users import from
// any entry.

import { HooklineError, SenderError, WebhookVerificationError } from "../../pkg-template/lib/errors.js";
import { bytesView as viewOf, readBody, stringValue, timeOf } from "../../pkg-template/lib/read.js";

export { HooklineError, SenderError, WebhookVerificationError, readBody, timeOf };

// A receiver-side error met on the sender's path (a subscription's malformed secret) as a
// SenderError; anything else unchanged.
export function asSenderError(err) {
  return err instanceof WebhookVerificationError ? new SenderError(err.code, err.message, err.hint) : err;
}

// kind: 0 verification, 1 general, 2 a value of the wrong JS type, 3 sender.
export function makeError(kind, code, message, hint) {
  if (kind === 2) {
    const err = new TypeError(message);
    err.code = code;
    if (hint) err.hint = hint;
    return err;
  }
  const Class = kind === 0 ? WebhookVerificationError : kind === 3 ? SenderError : HooklineError;
  return new Class(code, message, hint);
}


/** Read header `name` (lowercase) from a Headers, a Map or a plain object, ignoring case. */
function readHeaderValue(headers, name) {
  if (headers instanceof Map) {
    let found;
    for (const [key, value] of headers) {
      if (typeof key === "string" && key.toLowerCase() === name) {
        const v = stringValue(value);
        if (v !== undefined) found = found === undefined ? v : `${found}, ${v}`;
      }
    }
    return found;
  }
  if (typeof headers.get === "function") {
    // Headers (and look-alikes from undici or node-fetch) are already case-insensitive.
    const v = headers.get(name);
    return v === null ? undefined : stringValue(v);
  }
  let found;
  // Object.keys sees own properties only, so a polluted Object.prototype adds nothing here.
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === name) {
      const v = stringValue(headers[key]);
      if (v !== undefined) found = found === undefined ? v : `${found}, ${v}`;
    }
  }
  return found;
}

/** The platform's WHATWG URL parser, as the parts the SSRF guard reads; null if it throws. */
/** A URL's text without its username and password, for records and logs. */
export function redactedHref(u) {
  if (u.username === "" && u.password === "") return u.href;
  const copy = new URL(u.href);
  copy.username = "";
  copy.password = "";
  return copy.href;
}

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

// `count` pairs of header name and value (at most four); names are lowercase already.
export function headersObject(count, n0, v0, n1, v1, n2, v2, n3, v3) {
  const out = {};
  if (count > 0) out[n0] = v0;
  if (count > 1) out[n1] = v1;
  if (count > 2) out[n2] = v2;
  if (count > 3) out[n3] = v3;
  return out;
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

/**
 * A plain object's or a Map's headers in one string, `name\0value\0...` with names lowercase, so
 * wasm reads them in one call however many it needs; null for a Headers (or look-alike), which
 * `headerValue` asks by name. Entries holding a NUL (never in HTTP) are left out.
 */
function readHeaderBlock(headers) {
  if (!(headers instanceof Map) && typeof headers.get === "function") return null;
  let out = "";
  const add = (key, raw) => {
    if (typeof key !== "string") return;
    const value = stringValue(raw);
    if (value === undefined || key.includes("\0") || value.includes("\0")) return;
    out += `${key.toLowerCase()}\0${value}\0`;
  };
  if (headers instanceof Map) for (const [key, value] of headers) add(key, value);
  // Object.keys sees own properties only, so a polluted Object.prototype adds nothing here.
  else for (const key of Object.keys(headers)) add(key, headers[key]);
  return out;
}

// A verification's result in one call; absent fields are left off, as the types say.
export function verifiedObject(scheme, keyIndex, keyId, id, timestamp, eventType, payload) {
  const out = { scheme, keyIndex, keyId };
  if (id !== undefined) out.id = id;
  if (timestamp !== undefined) out.timestamp = timestamp;
  if (eventType !== undefined) out.eventType = eventType;
  out.payload = payload;
  return out;
}

// The caller's containers are read here, never inside wasm: whatever a getter, a Proxy trap or an
// iterator throws is kept for the binding to report as a typed error with it as the cause, and
// the read answers "nothing", so no exception ever unwinds through wasm frames.
let readFailure;
function failed(e) {
  readFailure ??= e === undefined ? new Error("undefined was thrown") : e;
}

/** The error a read below caught since the last call (undefined if none), cleared. */
export function takeReadFailure() {
  const e = readFailure;
  readFailure = undefined;
  return e;
}

export function headerValue(headers, name) {
  try {
    return readHeaderValue(headers, name);
  } catch (e) {
    failed(e);
    return undefined;
  }
}

export function headerBlock(headers) {
  try {
    return readHeaderBlock(headers);
  } catch (e) {
    failed(e);
    return "";
  }
}

/** 0: an object to read headers from; 1: an array or not an object; 2: unreadable (kept). */
export function headersKind(headers) {
  try {
    return headers !== null && typeof headers === "object" && !Array.isArray(headers) ? 0 : 1;
  } catch (e) {
    failed(e);
    return 2;
  }
}

/** The bytes a payload holds (see read.js), or why not; what a trap threw is kept. */
export function bytesView(value) {
  return viewOf(value, failed);
}

/**
 * The items of a list the caller gave (keys, say) as a genuine array of at most `max + 1` items,
 * "not_array" for anything else, or "unreadable" when a Proxy trap or getter threw (kept).
 */
export function listItems(value, max) {
  try {
    if (!Array.isArray(value)) return "not_array";
    return Array.prototype.slice.call(value, 0, max + 1);
  } catch (e) {
    failed(e);
    return "unreadable";
  }
}

