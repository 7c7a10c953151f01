// hookline/receiver: the receiver alone, on the raw wasm ABI of abi/ (no wasm-bindgen). Its
// wasm is the core without std, the sender or ed25519 (the HMAC schemes); a second build with
// ed25519 is loaded the first time a key needs it (a whpk_/whsk_ key, a Discord public key):
// the small build refuses such a key with code `ed25519_unavailable` and the call is made again,
// unchanged, on the other.
//
// This file converts and does I/O; the wasm decides. It reads the caller's values (catching what
// getters, Proxy traps and iterators throw, so nothing ever unwinds through wasm), writes them
// into wasm memory in the encoding abi/src/value.rs reads, calls one export, and turns the
// answer (abi/src/out.rs) into a result or a typed error. No JS runs inside a wasm call.
import { HooklineError, WebhookVerificationError } from "./errors.js";
import { bytesView as viewOf, readBody, stringValue, timeOf } from "./read.js";

export { HooklineError, WebhookVerificationError } from "./errors.js";

const UNAVAILABLE = "ed25519_unavailable";

// ---------------------------------------------------------------- values in (abi/src/value.rs)
const T_UNDEFINED = 0, T_NULL = 1, T_FALSE = 2, T_TRUE = 3, T_NUMBER = 4, T_STRING = 5, T_BYTES = 6, T_DETACHED = 7;
const T_THREW = 8, T_DATE = 9, T_ARRAY = 10, T_OBJECT = 11, T_FUNCTION = 12, T_OTHER = 13, T_NOT_ARRAY = 14;
const T_STRING_SIZE = 15, T_BYTES_SIZE = 16, T_LIST_THREW = 17;

const utf8 = new TextEncoder();
let buf = new Uint8Array(1024);
let view = new DataView(buf.buffer);
let at = 0;
// What a call's values threw, and the functions they hold, by slot: the wasm names a slot when
// an error should carry one as its cause (or be rethrown as the caller's own).
let slots = [];

function start() {
  at = 0;
  slots = [];
  // A call with huge values (a 10 MiB header) does not keep its room.
  if (buf.length > 1 << 20) {
    buf = new Uint8Array(1024);
    view = new DataView(buf.buffer);
  }
}

function room(n) {
  if (at + n <= buf.length) return;
  const bigger = new Uint8Array(Math.max(buf.length * 2, at + n));
  bigger.set(buf.subarray(0, at));
  buf = bigger;
  view = new DataView(buf.buffer);
}

function tag(t) {
  room(1);
  buf[at++] = t;
}

function tagU32(t, n) {
  room(5);
  buf[at] = t;
  view.setUint32(at + 1, n, true);
  at += 5;
}

function tagF64(t, n) {
  room(9);
  buf[at] = t;
  view.setFloat64(at + 1, n, true);
  at += 9;
}

function text(s) {
  room(5 + s.length * 3);
  const { written } = utf8.encodeInto(s, buf.subarray(at + 5));
  buf[at] = T_STRING;
  view.setUint32(at + 1, written, true);
  at += 5 + written;
}

/** An object member's name: its UTF-8 after a u32 length, no tag. */
function name(s) {
  room(4 + s.length * 3);
  const { written } = utf8.encodeInto(s, buf.subarray(at + 4));
  view.setUint32(at, written, true);
  at += 4 + written;
}

function bytes(b) {
  room(5 + b.length);
  buf[at] = T_BYTES;
  view.setUint32(at + 1, b.length, true);
  buf.set(b, at + 5);
  at += 5 + b.length;
}

function threw(e) {
  tagU32(T_THREW, slots.push(e === undefined ? new Error("undefined was thrown") : e) - 1);
}

/** A value as it is: what a string, number or flag option can be. */
function plain(v) {
  switch (typeof v) {
    case "string":
      return text(v);
    case "number":
      return tagF64(T_NUMBER, v);
    case "boolean":
      return tag(v ? T_TRUE : T_FALSE);
    case "undefined":
      return tag(T_UNDEFINED);
    case "object":
      if (v === null) return tag(T_NULL);
      tagU32(T_OBJECT, 0);
      return;
    default:
      return tag(T_OTHER);
  }
}

// What bytesView's last unreadable value threw (bytesOrWhy keeps it for the call).
let lastThrown;
const keep = (e) => {
  lastThrown = e;
};
const bytesView = (v) => viewOf(v, keep);

function bytesOrWhy(b) {
  if (b === "detached") tag(T_DETACHED);
  else if (b === "unreadable") threw(lastThrown);
  else bytes(b);
}

// What the wasm reads of each option (abi/src/convert.rs): an object's named members, each
// with what is read of it in turn. The names are the options' own (see index.d.ts).
const KEY_INNER = (v) => {
  if (typeof v === "object" && v !== null) {
    const b = bytesView(v);
    if (b === null) return tag(T_OTHER);
    return bytesOrWhy(b);
  }
  return plain(v);
};
const KEY_PAIR = { key: KEY_INNER, id: plain };
function KEY(v) {
  if (typeof v === "object" && v !== null) {
    const b = bytesView(v);
    if (b !== null) return bytesOrWhy(b);
    if (Array.isArray(v)) return tag(T_NOT_ARRAY);
    return members(v, KEY_PAIR);
  }
  if (typeof v === "function") return tag(T_OTHER);
  return plain(v);
}
const MAX_KEYS = 64;
function KEYS(v) {
  let items;
  try {
    if (v === undefined) return tag(T_UNDEFINED);
    if (!Array.isArray(v)) return tag(T_NOT_ARRAY);
    // Copied into a genuine array first: a Proxy's traps run here, once.
    items = Array.prototype.slice.call(v, 0, MAX_KEYS + 1);
  } catch (e) {
    return tagU32(T_LIST_THREW, slots.push(e === undefined ? new Error("undefined was thrown") : e) - 1);
  }
  tagU32(T_ARRAY, items.length);
  for (const item of items) KEY(item);
}
function TIME(v) {
  if (typeof v === "object" && v !== null) return tagF64(T_DATE, timeOf(v));
  if (typeof v === "function") return tag(T_OTHER);
  return plain(v);
}
const CUSTOM = { header: plain, prefix: plain, encoding: plain, timestampHeader: plain, idHeader: plain, eventHeader: plain, format: plain };
/** A dedupe store: its claim function, kept with the store to call it on (a getter that throws is no claim). */
function STORE(v) {
  if (typeof v !== "object" || v === null) return plain(v);
  let claim;
  try {
    claim = Reflect.get(v, "claim");
  } catch {
    claim = undefined;
  }
  const isFunction = typeof claim === "function";
  tagU32(T_OBJECT, isFunction ? 1 : 0);
  if (!isFunction) return;
  name("claim");
  tagU32(T_FUNCTION, slots.push({ claim, store: v }) - 1);
}
const OPTIONS = {
  secret: KEY, secrets: KEYS, publicKey: KEY, publicKeys: KEYS, format: plain, scheme: plain, custom: CUSTOM,
  tolerance: plain, maxPayloadBytes: plain, now: TIME, jsonParse: plain, raw: plain, dedupe: STORE, dedupeRetention: plain,
};
const VERIFY_OPTIONS = { now: TIME };
const WEBHOOK_OPTIONS = { format: plain, tolerance: plain, maxPayloadBytes: plain };
const WEBHOOK_VERIFY_OPTIONS = { jsonParse: plain, raw: plain };

function member(v, schema) {
  if (typeof schema === "function") return schema(v);
  if (typeof v === "object" && v !== null) return members(v, schema);
  return plain(v);
}

/** An object's members by name (Reflect.get: a getter or trap that throws is kept, per name). */
function members(obj, schema) {
  const countAt = at;
  tagU32(T_OBJECT, 0);
  let count = 0;
  for (const key in schema) {
    let v;
    try {
      v = Reflect.get(obj, key);
    } catch (e) {
      name(key);
      threw(e);
      count++;
      continue;
    }
    if (v === undefined) continue;
    name(key);
    member(v, schema[key]);
    count++;
  }
  view.setUint32(countAt + 1, count, true);
}

/** The options bag: an object's members, or the value itself (the wasm refuses a non-object). */
function options(v, schema) {
  if (typeof v === "object" && v !== null) members(v, schema);
  else plain(v);
}

/**
 * The caller's headers as one string, `name\0value\0...`, names lowercase: a plain object's or
 * a Map's entries, or, from a Headers (or look-alike, whose `get` is case-insensitive already),
 * the names the receiver reads. Entries holding a NUL (never in HTTP) are left out.
 */
function headerBlock(headers, names) {
  let out = "";
  const add = (key, raw) => {
    if (typeof key !== "string") return;
    const value = stringValue(raw);
    if (value === undefined || key.includes("\0") || value.includes("\0")) return;
    out += `${key.toLowerCase()}\0${value}\0`;
  };
  try {
    if (headers === null || typeof headers !== "object" || Array.isArray(headers)) return tag(T_OTHER);
    if (headers instanceof Map) for (const [key, value] of headers) add(key, value);
    else if (typeof headers.get === "function") {
      for (const name of names) {
        const v = headers.get(name);
        if (v !== null && v !== undefined) add(name, v);
      }
    }
    // Object.keys sees own properties only, so a polluted Object.prototype adds nothing here.
    else for (const key of Object.keys(headers)) add(key, headers[key]);
  } catch (e) {
    return threw(e);
  }
  text(out);
}

// ---------------------------------------------------------------- answers (abi/src/out.rs)
const F_SCHEME = 1, F_KEY_ID = 2, F_ID = 3, F_EVENT_TYPE = 4, F_DEDUPE_KEY = 5, F_NAMES = 6, F_SIGNATURE = 7;
const F_CODE = 8, F_MESSAGE = 9, F_HINT = 10, F_DESCRIPTION = 11, F_NUMBERS = 32;
const F_KEY_INDEX = 32, F_TIMESTAMP = 33, F_BODY = 34, F_DEDUPE_EXPIRES = 35, F_HANDLE = 36, F_KEY_COUNT = 37;
const F_LIMIT = 38, F_KIND = 39, F_CAUSE = 40, F_RETHROW = 41, F_PTR = 42, F_CAP = 43;
const BODY_JSON = 1, BODY_VALUE = 2;
const FIELD_NAMES = {
  [F_SCHEME]: "scheme", [F_KEY_ID]: "keyId", [F_ID]: "id", [F_EVENT_TYPE]: "eventType", [F_DEDUPE_KEY]: "dedupeKey",
  [F_NAMES]: "names", [F_SIGNATURE]: "signature", [F_CODE]: "code", [F_MESSAGE]: "message", [F_HINT]: "hint",
  [F_DESCRIPTION]: "description", [F_KEY_INDEX]: "keyIndex", [F_TIMESTAMP]: "timestamp", [F_BODY]: "body",
  [F_DEDUPE_EXPIRES]: "dedupeExpires", [F_HANDLE]: "handle", [F_KEY_COUNT]: "keyCount", [F_LIMIT]: "limit",
  [F_KIND]: "kind", [F_CAUSE]: "cause", [F_RETHROW]: "rethrow", [F_PTR]: "ptr", [F_CAP]: "cap",
};
const decoder = new TextDecoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** One build's instance: its exports and the calls the classes below make on it. */
class Build {
  constructor(module, hostHmac) {
    let memory;
    const host_hmac = (k, kl, p, pl, b, bl, o) => {
      if (typeof hostHmac !== "function") return 0;
      try {
        const m = new Uint8Array(memory.buffer);
        const tag = hostHmac(m.subarray(k, k + kl), m.subarray(p, p + pl), m.subarray(b, b + bl));
        if (!(tag instanceof Uint8Array) || tag.length !== 32) return 0;
        new Uint8Array(memory.buffer).set(tag, o);
        return 1;
      } catch {
        return 0;
      }
    };
    this.x = new WebAssembly.Instance(module, { hookline: { host_hmac } }).exports;
    memory = this.x.memory;
    // Receivers the caller dropped without free(): their wasm side is freed when collected.
    this.registry = typeof FinalizationRegistry === "function" ? new FinalizationRegistry((h) => this.x.hl_free(h)) : null;
  }

  /** Copy the values written since start() into wasm memory, call `fn`, read its answer. */
  call(fn, a, b) {
    const x = this.x;
    // The call may grow memory (detaching older views): the view is made after it.
    const ptr = x.hl_buf(at);
    if (at > 0) new Uint8Array(x.memory.buffer, ptr, at).set(buf.subarray(0, at));
    return this.answer(fn(a, b));
  }

  answer(len) {
    const x = this.x;
    const m = new Uint8Array(x.memory.buffer, x.hl_out(), len);
    const dv = new DataView(m.buffer, m.byteOffset, len);
    const r = { ok: m[0] === 1 };
    let i = 1;
    while (i < len) {
      const f = m[i];
      if (f >= F_NUMBERS) {
        r[FIELD_NAMES[f]] = dv.getFloat64(i + 1, true);
        i += 9;
      } else {
        const n = dv.getUint32(i + 1, true);
        r[FIELD_NAMES[f]] = decoder.decode(m.subarray(i + 5, i + 5 + n));
        i += 5 + n;
      }
    }
    if (!r.ok) throw toError(r);
    return r;
  }

  bytes() {
    return this.x.memory.buffer.byteLength;
  }

  /**
   * One verification: the payload's size and kind, the headers and the call's options go in
   * first (the wasm refuses what it must before any body byte is copied); then the body.
   */
  verify(handle, mode, names, payload, headers, opts, schema) {
    start();
    let body = null;
    if (typeof payload === "string") tagU32(T_STRING_SIZE, payload.length);
    else if (mode === MODE_REQUEST && payload instanceof Uint8Array) {
      body = payload;
      tagU32(T_BYTES_SIZE, payload.length);
    } else if (typeof payload === "number") tagF64(T_NUMBER, payload);
    else if (typeof payload === "object" && payload !== null) {
      const b = bytesView(payload);
      if (b === null) plain(payload);
      else if (typeof b === "string") bytesOrWhy(b);
      else {
        body = b;
        tagU32(T_BYTES_SIZE, b.length);
      }
    } else plain(payload);
    headerBlock(headers, names);
    if (schema === null) tag(T_UNDEFINED);
    else options(opts, schema);
    tagF64(T_NUMBER, Date.now());
    const x = this.x;
    const begun = this.call(x.hl_begin, handle, mode);
    let written;
    if (body !== null) {
      new Uint8Array(x.memory.buffer, begun.ptr, body.length).set(body);
      written = body.length;
    } else if (typeof payload === "string") {
      // ASCII fits the room made (one byte per unit); other text gets three per unit.
      let r = utf8.encodeInto(payload, new Uint8Array(x.memory.buffer, begun.ptr, begun.cap));
      if (r.read < payload.length) {
        const cap = payload.length * 3;
        const ptr = x.hl_payload(cap);
        r = utf8.encodeInto(payload, new Uint8Array(x.memory.buffer, ptr, cap));
      }
      written = r.written;
    } else written = 0;
    return this.answer(x.hl_end(written));
  }

  notJson(what, place) {
    return this.answer(this.x.hl_not_json(what, place));
  }
}

function toError(r) {
  if (r.rethrow !== undefined) return slots[r.rethrow];
  let err;
  if (r.kind === 2) {
    err = new TypeError(r.message);
    err.code = r.code;
    if (r.hint) err.hint = r.hint;
  } else {
    const Class = r.kind === 0 ? WebhookVerificationError : HooklineError;
    err = new Class(r.code, r.message, r.hint);
  }
  if (r.cause !== undefined) err.cause = slots[r.cause];
  return err;
}

const MODE_WEBHOOK = 0, MODE_VERIFIER = 1, MODE_VERIFY = 2, MODE_VERIFY_WEBHOOK = 3, MODE_REQUEST = 4;
const VERIFIER_NEW = 0, VERIFIER_ONE_CALL = 1, VERIFIER_REQUEST = 2;
// Where a "not JSON" error tells the caller to put jsonParse: false.
const PLACE_WEBHOOK = 0, PLACE_OPTIONS = 1;

/** The body as the wasm said to give it: parsed JSON (an error if it is not), or its value. */
function bodyOf(build, mode, payload, bytesSeen, place) {
  if (mode !== BODY_JSON && mode !== BODY_VALUE) return undefined;
  let text;
  if (typeof payload === "string") text = payload;
  else {
    const b = bytesSeen ?? bytesView(payload);
    try {
      text = strictUtf8.decode(b);
    } catch {
      if (mode === BODY_JSON) build.notJson(0, place);
      return undefined;
    }
  }
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    if (mode === BODY_JSON) build.notJson(1, place);
    return text;
  }
}

function verifiedObject(r, payload) {
  const out = { scheme: r.scheme, keyIndex: r.keyIndex, keyId: r.keyId };
  if (r.id !== undefined) out.id = r.id;
  if (r.timestamp !== undefined) out.timestamp = r.timestamp;
  if (r.eventType !== undefined) out.eventType = r.eventType;
  out.payload = payload;
  return out;
}

// ---------------------------------------------------------------- the two builds
let hmac = null;
let ed = null;
let loadEd = null;
let hostHmacFn = null;

/**
 * The default export, which the entries' `export *` never passes on: each runtime's loader calls
 * it once with the HMAC build's compiled module, the platform's HMAC-SHA256 where it has one
 * (never reachable from outside the package: it would see the keys), and a function that
 * returns the ed25519 build's compiled module.
 */
export default function instantiate(module, hostHmac, loadEd25519) {
  if (hmac !== null) throw new Error("hookline: the receiver is already set up");
  hmac = new Build(module, hostHmac);
  hostHmacFn = hostHmac;
  loadEd = loadEd25519;
}

function edBuild() {
  if (ed === null) {
    try {
      ed = new Build(loadEd(), hostHmacFn);
    } catch (cause) {
      const err = new HooklineError(UNAVAILABLE, "hookline: the ed25519 module could not be loaded");
      err.cause = cause;
      throw err;
    }
  }
  return ed;
}

const needsEd = (e) => e instanceof HooklineError && e.code === UNAVAILABLE;

/**
 * `call` on the HMAC build, or on the ed25519 build when the core says the keys need it. HMAC
 * keys stay on the HMAC build (built for speed) even once the other is loaded (built for size).
 */
function either(call) {
  try {
    return call(hmac);
  } catch (e) {
    if (!needsEd(e)) throw e;
  }
  return call(edBuild());
}

async function eitherAsync(call) {
  try {
    return await call(hmac);
  } catch (e) {
    if (!needsEd(e)) throw e;
  }
  return call(edBuild());
}

/** A receiver on one build, by handle. */
class Held {
  #build;
  #handle;
  #names;
  constructor(build, r) {
    this.#build = build;
    this.#handle = r.handle;
    this.#names = r.names.split("\0");
    build.registry?.register(this, r.handle, this);
  }
  static build(o) {
    return o.#build;
  }
  static handle(o) {
    return o.#handle;
  }
  static names(o) {
    return o.#names;
  }
  free() {
    if (this.#handle === 0) return;
    this.#build.registry?.unregister(this);
    this.#build.x.hl_free(this.#handle);
    this.#handle = 0;
  }
  [Symbol.dispose]() {
    this.free();
  }
}

/** A Standard Webhooks receiver and signer for one key: see the `hookline` entry's `Webhook`. */
export class Webhook extends Held {
  constructor(secret, opts) {
    super(
      ...either((b) => {
        start();
        KEY(secret);
        options(opts, WEBHOOK_OPTIONS);
        return [b, b.call(b.x.hl_webhook)];
      }),
    );
  }
  verify(payload, headers, opts) {
    const b = Held.build(this);
    const r = b.verify(Held.handle(this), MODE_WEBHOOK, Held.names(this), payload, headers, opts, WEBHOOK_VERIFY_OPTIONS);
    return bodyOf(b, r.body, payload, null, PLACE_WEBHOOK);
  }
  sign(msgId, timestamp, payload) {
    const b = Held.build(this);
    start();
    plain(msgId);
    TIME(timestamp);
    if (typeof payload === "string") text(payload);
    else if (typeof payload === "object" && payload !== null) {
      const v = bytesView(payload);
      if (v === null) plain(payload);
      else bytesOrWhy(v);
    } else plain(payload);
    return b.call(b.x.hl_sign, Held.handle(this)).signature;
  }
  toString() {
    return "Webhook { scheme: standard-webhooks, secret: <redacted> }";
  }
  toJSON() {
    return { scheme: "standard-webhooks", secret: "<redacted>" };
  }
}

function newVerifier(b, opts, kind, extra) {
  start();
  options(opts, OPTIONS);
  tagF64(T_NUMBER, Date.now());
  extra?.();
  return b.call(b.x.hl_verifier, kind);
}

/** A receiver for every scheme: see the `hookline` entry's `Verifier`. */
export class Verifier extends Held {
  #keys;
  #scheme;
  constructor(opts) {
    const [b, r] = either((b) => [b, newVerifier(b, opts, VERIFIER_NEW)]);
    super(b, r);
    this.#keys = r.keyCount;
    this.#scheme = r.description;
  }
  verify(payload, headers, opts) {
    const b = Held.build(this);
    const r = b.verify(Held.handle(this), MODE_VERIFIER, Held.names(this), payload, headers, opts, VERIFY_OPTIONS);
    return verifiedObject(r, bodyOf(b, r.body, payload, null, PLACE_OPTIONS));
  }
  toString() {
    return `Verifier { keys: ${this.#keys} <redacted> }`;
  }
  toJSON() {
    return { scheme: this.#scheme, keys: this.#keys };
  }
}

/** A one-call receiver: a verifier for this call alone, freed afterwards. */
function once(payload, headers, opts, mode) {
  return either((b) => {
    const r = newVerifier(b, opts, VERIFIER_ONE_CALL);
    try {
      const v = b.verify(r.handle, mode, r.names.split("\0"), payload, headers, undefined, null);
      const body = bodyOf(b, v.body, payload, null, PLACE_OPTIONS);
      return mode === MODE_VERIFY ? body : verifiedObject(v, body);
    } finally {
      b.x.hl_free(r.handle);
    }
  });
}

export function verify(payload, headers, opts) {
  return once(payload, headers, opts, MODE_VERIFY);
}

export function verifyWebhook(payload, headers, opts) {
  return once(payload, headers, opts, MODE_VERIFY_WEBHOOK);
}

/**
 * Verify a Fetch API Request: the options are judged before the body is read, and the body is
 * read no further than the limit the wasm gives. With a dedupe store, a verified delivery the
 * store has already claimed throws `duplicate`.
 */
export function verifyRequest(request, opts) {
  return eitherAsync(async (b) => {
    const isObject = request !== null && typeof request === "object";
    const r = newVerifier(b, opts, VERIFIER_REQUEST, () => {
      tag(isObject ? T_TRUE : T_FALSE);
      if (!isObject) return tag(T_UNDEFINED);
      try {
        plain(Boolean(request.bodyUsed));
      } catch (e) {
        threw(e);
      }
    });
    const optionSlots = slots;
    try {
      const read = await readBody(request, r.limit);
      const headers = request.headers;
      const payload = read === "too_large" ? 1 : read instanceof Uint8Array ? read : 2;
      const v = b.verify(r.handle, MODE_REQUEST, r.names.split("\0"), payload, headers, undefined, null);
      // The result is built before the claim: a body that fails to parse is never remembered.
      const result = verifiedObject(v, bodyOf(b, v.body, read, read, PLACE_OPTIONS));
      if (v.dedupeKey !== undefined) {
        const { claim, store } = optionSlots[v.cause];
        let how = 0;
        let answer;
        try {
          const called = claim.call(store, v.dedupeKey, v.dedupeExpires);
          try {
            answer = await called;
          } catch (e) {
            how = 2;
            answer = e;
          }
        } catch (e) {
          how = 1;
          answer = e;
        }
        start();
        tagF64(T_NUMBER, how);
        if (how === 0) plain(answer);
        else threw(answer);
        b.call(b.x.hl_claimed);
      }
      result.body = read;
      return result;
    } finally {
      b.x.hl_free(r.handle);
    }
  });
}


/** The bytes of WebAssembly memory the receiver holds (both builds, once the second is loaded). */
export function wasmMemoryBytes() {
  return hmac.bytes() + (ed === null ? 0 : ed.bytes());
}
