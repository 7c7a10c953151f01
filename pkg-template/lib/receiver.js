// The receiver: `Webhook`, `Verifier`, `verify`, `verifyWebhook`, `verifyRequest` of every entry
// (`hookline` and `hookline/receiver` alike), on the raw wasm ABI of abi/ (no wasm-bindgen).
// Its wasm is the core without std, the sender or ed25519 (the HMAC schemes); a second build with
// ed25519 is loaded the first time a key needs it (a whpk_/whsk_ key, a Discord public key): the
// small build refuses such a key with code `ed25519_unavailable` and the call is made again,
// unchanged, on the other. A third, the providers build (SHA-1 for Twilio, Vercel and Intercom,
// ECDSA P-256 for SendGrid), is loaded the same way when one of those schemes is named (code
// `scheme_unavailable`). Each runtime's entry says how a build is had (`setup`); a build is
// compiled and instantiated when first used, not at import.
//
// This file converts and does I/O; the wasm decides. It reads the caller's values (lib/encode.js,
// catching what getters, Proxy traps and iterators throw, so nothing ever unwinds through wasm),
// writes them into wasm memory, calls one export, and turns the answer (abi/src/out.rs) into a
// result or a typed error. No JS runs inside a wasm call. Results and errors are built with own
// data properties: a setter on Object.prototype never runs (and never poisons an instance).
import { HooklineError, WebhookVerificationError } from "./errors.js";
import {
  acquire, KEY, options, OPTIONS, plain, release, TIME,
  T_BYTES, T_BYTES_SIZE, T_FALSE, T_NUMBER, T_OTHER, T_STRING, T_STRING_SIZE, T_TRUE, T_UNDEFINED,
} from "./encode.js";
import { define, errorFrom } from "./messages.js";
import { readBody, stringValue } from "./read.js";

export { HooklineError, WebhookVerificationError };

const UNAVAILABLE = "ed25519_unavailable";
const SCHEME_UNAVAILABLE = "scheme_unavailable";

const VERIFY_OPTIONS = { now: TIME, url: plain, method: plain };
const WEBHOOK_OPTIONS = { format: plain, tolerance: plain, maxPayloadBytes: plain };
const WEBHOOK_VERIFY_OPTIONS = { jsonParse: plain, raw: plain };

/**
 * The caller's headers the receiver reads, as one string, `name\0value\0...`, names lowercase:
 * from a plain object's or a Map's entries, or asked of a Headers (or look-alike, whose `get` is
 * case-insensitive already). `names` is the set the core said a verification may read (every
 * other header is left out, unread). Entries holding a NUL (never in HTTP) are left out.
 */
function headerBlock(w, headers, names) {
  let out = "";
  try {
    if (headers === null || typeof headers !== "object" || Array.isArray(headers)) return w.tag(T_OTHER);
    if (headers instanceof Map) for (const [key, value] of headers) out += headerLine(names, key, value);
    else if (typeof headers.get === "function") {
      for (const name of names) {
        const v = headers.get(name);
        if (v !== null && v !== undefined) out += headerLine(names, name, v);
      }
    }
    // Object.keys sees own properties only, so a polluted Object.prototype adds nothing here.
    else for (const key of Object.keys(headers)) out += headerLine(names, key, headers[key]);
  } catch (e) {
    return w.threw(e);
  }
  w.text(out);
}

/**
 * One header of the block, `name\0value\0`, or "" for a header the verifier does not read or
 * cannot be one. A function of its own, not a closure: the minified build names each closure it
 * makes (keepNames), and this runs for every header of every verification.
 */
function headerLine(names, key, raw) {
  if (typeof key !== "string") return "";
  const lower = key.toLowerCase();
  if (!names.has(lower)) return "";
  const value = stringValue(raw);
  if (value === undefined || lower.includes("\0") || value.includes("\0")) return "";
  return `${lower}\0${value}\0`;
}

// ---------------------------------------------------------------- answers (abi/src/out.rs)
const F_NUMBERS = 32;
const BODY_JSON = 1, BODY_VALUE = 2;
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
// A body's bytes are decoded as they are: a byte order mark stays, so bytes and the same text as
// a string verify to the same result.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** What a call answered, every field an own property from the start (class fields define them). */
class Answer {
  ok = false;
  scheme = undefined;
  keyId = undefined;
  id = undefined;
  eventType = undefined;
  dedupeKey = undefined;
  names = undefined;
  signature = undefined;
  code = undefined;
  reason = undefined;
  t1 = undefined;
  t2 = undefined;
  n1 = undefined;
  n2 = undefined;
  description = undefined;
  keyIndex = undefined;
  timestamp = undefined;
  body = undefined;
  dedupeExpires = undefined;
  dedupeLease = undefined;
  handle = undefined;
  keyCount = undefined;
  limit = undefined;
  kind = undefined;
  cause = undefined;
  rethrow = undefined;
  handshake = undefined;
}
const FIELD_NAMES = [
  undefined, "scheme", "keyId", "id", "eventType", "dedupeKey", "names", "signature", "code", "reason", "t1", "description", "t2", "handshake",
];
Object.assign(FIELD_NAMES, {
  32: "keyIndex", 33: "timestamp", 34: "body", 35: "dedupeExpires", 36: "handle", 37: "keyCount", 38: "limit", 39: "kind",
  40: "cause", 41: "rethrow", 44: "dedupeLease", 45: "n1", 46: "n2",
});

/** One build's instance: its exports and the calls the classes below make on it. */
class Build {
  x;
  registry;
  // Views of the wasm memory, made again when a call grew it (growing detaches the old buffer).
  u8 = null;
  dv = null;
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

  /** Copy what `w` holds into wasm memory, call `fn`, read its answer. */
  call(w, fn, a, b, c) {
    // The call may grow memory (detaching older views): the view is taken after it.
    const ptr = this.x.hl_buf(w.at);
    if (ptr === 0) throw outOfMemory(w.at);
    if (w.at > 0) this.memory().set(w.buf.subarray(0, w.at), ptr);
    return this.answer(w, fn(a, b, c));
  }

  /** The wasm memory's bytes; `this.dv` is its DataView. */
  memory() {
    const buffer = this.x.memory.buffer;
    if (this.u8 === null || this.u8.buffer !== buffer) {
      this.u8 = new Uint8Array(buffer);
      this.dv = new DataView(buffer);
    }
    return this.u8;
  }

  answer(w, len) {
    const at = this.x.hl_out();
    const m = this.memory();
    const dv = this.dv;
    const end = at + len;
    const r = new Answer();
    r.ok = m[at] === 1;
    let i = at + 1;
    while (i < end) {
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
    if (!r.ok) throw toError(r, w);
    return r;
  }

  bytes() {
    return this.x.memory.buffer.byteLength;
  }

  /**
   * One verification, one call: the headers, the call's options and the clock, then the payload
   * last, its bytes written straight into wasm memory; or only its size when it is certainly
   * over `limit` (the wasm refuses it, and no body byte is copied).
   */
  verify(w, held, mode, names, limit, payload, headers, opts, schema) {
    w.seen = null;
    headerBlock(w, headers, names);
    if (schema === null) w.tag(T_UNDEFINED);
    else options(w, opts, schema);
    w.tagF64(T_NUMBER, Date.now());
    const x = this.x;
    const head = w.at;
    if (typeof payload === "string") {
      const handle = handleOf(held);
      // A string's UTF-8 is at least as long as its UTF-16 units.
      if (payload.length > limit) return this.sized(w, handle, mode, T_STRING_SIZE, payload.length);
      // ASCII fits one byte per unit; other text gets three per unit (at most the limit), asked
      // for again. UTF-8 that does not fit the limit is refused by its size.
      let cap = payload.length;
      let mem = this.room(w, head + 5 + cap);
      let r = utf8.encodeInto(payload, mem.subarray(head + 5, head + 5 + cap));
      if (r.read < payload.length) {
        cap = Math.min(payload.length * 3, limit);
        mem = this.room(w, head + 5 + cap);
        r = utf8.encodeInto(payload, mem.subarray(head + 5, head + 5 + cap));
        if (r.read < payload.length) {
          return this.sized(w, handle, mode, T_STRING_SIZE, r.written + utf8Length(payload, r.read));
        }
      }
      return this.last(w, mem, handle, mode, T_STRING, r.written);
    }
    let b = null;
    if (mode === MODE_REQUEST && payload instanceof Uint8Array) b = payload;
    else if (typeof payload === "object" && payload !== null) {
      b = w.view_(payload);
      if (typeof b === "string") {
        w.bytesOrWhy(b);
        b = null;
      } else if (b === null) plain(w, payload);
    } else if (typeof payload === "number") w.tagF64(T_NUMBER, payload);
    else plain(w, payload);
    const handle = handleOf(held);
    if (b === null) return this.call(w, x.hl_verify, handle, mode, w.at);
    if (b.length > limit) return this.sized(w, handle, mode, T_BYTES_SIZE, b.length);
    // The bytes verified are the bytes parsed (bodyOf reads w.seen, not the caller's value again,
    // whose getters could give other bytes); memory another thread can write is copied first.
    if (isShared(b.buffer)) b = b.slice();
    w.seen = b;
    const mem = this.room(w, head + 5 + b.length);
    mem.set(b, head + 5);
    return this.last(w, mem, handle, mode, T_BYTES, b.length);
  }

  /** Room for `len` bytes of input in wasm memory, what `w` holds copied in: that room. */
  room(w, len) {
    const ptr = this.x.hl_buf(len);
    if (ptr === 0) throw outOfMemory(len);
    // The call may grow memory (detaching older views): the view is taken after it.
    const m = this.memory();
    m.set(w.buf.subarray(0, w.at), ptr);
    return m.subarray(ptr, ptr + len);
  }

  /** The payload's tag and length in front of its bytes (already in place), then the call. */
  last(w, mem, handle, mode, tag, n) {
    const head = w.at;
    mem[head] = tag;
    // room() took the views after its call; nothing since has grown the memory.
    this.dv.setUint32(mem.byteOffset + head + 1, n, true);
    return this.answer(w, this.x.hl_verify(handle, mode, head + 5 + n));
  }

  sized(w, handle, mode, tag, n) {
    // A size past u32 is still past every limit.
    w.tagU32(tag, Math.min(n, 0xffffffff));
    return this.call(w, this.x.hl_verify, handle, mode, w.at);
  }
}

const utf8 = new TextEncoder();

/** Whether `buffer` is a SharedArrayBuffer (a global browsers without isolation lack). */
const isShared = (buffer) => typeof SharedArrayBuffer === "function" && buffer instanceof SharedArrayBuffer;

/**
 * A receiver's handle as it is when the wasm is called, after the caller's getters ran: one that
 * freed it (and let another receiver take its slot) gets "freed", not the other's keys. A number
 * is a handle already (a one-call receiver's, which no caller's code can free).
 */
const handleOf = (held) => (typeof held === "number" ? held : Held.handle(held));

/** The length of the UTF-8 TextEncoder makes of `text` from unit `from` (a lone surrogate: 3). */
function utf8Length(text, from) {
  let n = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** A call whose input the wasm memory could not hold: `bytes` of it (the body, mostly). */
const outOfMemory = (bytes) => errorFrom(0, { code: "payload_too_large", reason: "memory", n1: bytes });

/** The error an answer describes (lib/messages.js makes it, its text from lib/message-text.js). */
function toError(r, w) {
  if (r.rethrow !== undefined) return w.slots[r.rethrow];
  const err = errorFrom(r.kind, r);
  if (r.cause !== undefined) define(err, "cause", w.slots[r.cause]);
  return err;
}

const MODE_WEBHOOK = 0, MODE_VERIFIER = 1, MODE_VERIFY = 2, MODE_VERIFY_WEBHOOK = 3, MODE_REQUEST = 4;
const VERIFIER_NEW = 0, VERIFIER_ONE_CALL = 1, VERIFIER_REQUEST = 2;
// Where a "not JSON" error tells the caller to put jsonParse: false.
const PLACE_WEBHOOK = "webhook", PLACE_OPTIONS = "options";
const notJson = (what, place) => errorFrom(0, { code: "invalid_payload", reason: `not_${what}_${place}` });

/** The body as the wasm said to give it: parsed JSON (an error if it is not), or its value. */
function bodyOf(w, mode, payload, bytesSeen, place) {
  if (mode !== BODY_JSON && mode !== BODY_VALUE) return undefined;
  let text;
  if (typeof payload === "string") text = payload;
  else {
    const b = bytesSeen ?? w.view_(payload);
    try {
      text = strictUtf8.decode(b);
    } catch {
      if (mode === BODY_JSON) throw notJson("utf8", place);
      return undefined;
    }
  }
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    if (mode === BODY_JSON) throw notJson("json", place);
    return text;
  }
}

/**
 * A verification's result: object literals define own properties (a setter on Object.prototype
 * never runs), one shape per set of fields a scheme reports.
 */
function verifiedObject(r, payload) {
  const { scheme, keyIndex, keyId, id, timestamp, eventType } = r;
  if (id !== undefined) {
    if (timestamp !== undefined) {
      return eventType === undefined
        ? { scheme, keyIndex, keyId, id, timestamp, payload }
        : { scheme, keyIndex, keyId, id, timestamp, eventType, payload };
    }
    return eventType === undefined ? { scheme, keyIndex, keyId, id, payload } : { scheme, keyIndex, keyId, id, eventType, payload };
  }
  if (timestamp !== undefined) {
    return eventType === undefined ? { scheme, keyIndex, keyId, timestamp, payload } : { scheme, keyIndex, keyId, timestamp, eventType, payload };
  }
  return eventType === undefined ? { scheme, keyIndex, keyId, payload } : { scheme, keyIndex, keyId, eventType, payload };
}

// ---------------------------------------------------------------- the two builds
let loaders = null;
let hmac = null;
let ed = null;
let providers = null;

let others = [];

/**
 * The default export, which no entry's `export *` passes on. `setup(how)` is called once, by
 * each runtime's entry: `how.hmac()`, `how.ed()` and `how.providers()` return the HMAC, the
 * ed25519 and the providers builds' compiled modules (synchronously; each is asked once, when
 * first needed), `how.hostHmac` is the
 * platform's HMAC-SHA256 where it has one (never reachable from outside the package: it would see
 * the keys). `countMemory(f)` adds another build's memory (the sender's) to `wasmMemoryBytes`.
 */
export default {
  setup(how) {
    if (loaders !== null) throw new Error("hookline: the receiver is already set up");
    loaders = how;
  },
  countMemory(f) {
    others.push(f);
  },
};

function load(which) {
  try {
    return new Build(loaders[which](), loaders.hostHmac);
  } catch (cause) {
    const reason = which === "ed" ? "module_ed25519" : which === "providers" ? "module_providers" : "module_hmac";
    const err = errorFrom(1, { code: "module_unavailable", reason });
    define(err, "cause", cause);
    throw err;
  }
}

function hmacBuild() {
  if (hmac === null) hmac = load("hmac");
  return hmac;
}

function edBuild() {
  if (ed === null) ed = load("ed");
  return ed;
}

function providersBuild() {
  if (providers === null) providers = load("providers");
  return providers;
}

/** The build the core says a call needs, after the HMAC build refused it; else rethrow. */
function otherBuild(e) {
  if (e instanceof HooklineError && e.code === UNAVAILABLE) return edBuild();
  if (e instanceof HooklineError && e.code === SCHEME_UNAVAILABLE) return providersBuild();
  throw e;
}

/**
 * `call` on the HMAC build, or on the build the core says the keys or the scheme need. HMAC
 * keys stay on the HMAC build (built for speed) even once another is loaded (built for size).
 */
function either(call) {
  let other;
  try {
    return call(hmacBuild());
  } catch (e) {
    other = otherBuild(e);
  }
  return call(other);
}

async function eitherAsync(call) {
  let other;
  try {
    return await call(hmacBuild());
  } catch (e) {
    other = otherBuild(e);
  }
  return call(other);
}

/** Run `f` with a writer of its own, given back afterwards (a re-entrant call takes another). */
function withWriter(f) {
  const w = acquire();
  try {
    return f(w);
  } finally {
    release(w);
  }
}

/** A receiver on one build, by handle. */
class Held {
  #build;
  #handle;
  #names;
  #limit;
  constructor(build, r) {
    this.#build = build;
    this.#handle = r.handle;
    this.#names = new Set(r.names.split("\0"));
    this.#limit = r.limit ?? Infinity;
    build.registry?.register(this, r.handle, this);
  }
  static limit(o) {
    return o.#limit;
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

/** A Standard Webhooks receiver and signer for one key (see index.d.ts). */
export class Webhook extends Held {
  constructor(secret, opts) {
    super(
      ...either((b) =>
        withWriter((w) => {
          KEY(w, secret);
          options(w, opts, WEBHOOK_OPTIONS);
          return [b, b.call(w, b.x.hl_webhook)];
        }),
      ),
    );
  }
  verify(payload, headers, opts) {
    const b = Held.build(this);
    return withWriter((w) => {
      const r = b.verify(w, this, MODE_WEBHOOK, Held.names(this), Held.limit(this), payload, headers, opts, WEBHOOK_VERIFY_OPTIONS);
      return bodyOf(w, r.body, payload, w.seen, PLACE_WEBHOOK);
    });
  }
  sign(msgId, timestamp, payload) {
    const b = Held.build(this);
    return withWriter((w) => {
      plain(w, msgId);
      TIME(w, timestamp);
      if (typeof payload === "string") w.text(payload);
      else if (typeof payload === "object" && payload !== null) {
        const v = w.view_(payload);
        if (v === null) plain(w, payload);
        else w.bytesOrWhy(v);
      } else plain(w, payload);
      return b.call(w, b.x.hl_sign, Held.handle(this)).signature;
    });
  }
  toString() {
    return "Webhook { scheme: standard-webhooks, secret: <redacted> }";
  }
  toJSON() {
    return { scheme: "standard-webhooks", secret: "<redacted>" };
  }
}

function newVerifier(b, w, opts, kind, extra) {
  options(w, opts, OPTIONS);
  w.tagF64(T_NUMBER, Date.now());
  extra?.(w);
  return b.call(w, b.x.hl_verifier, kind);
}

/** A receiver for every scheme (see index.d.ts). */
export class Verifier extends Held {
  #keys;
  #scheme;
  constructor(opts) {
    const [b, r] = either((b) => withWriter((w) => [b, newVerifier(b, w, opts, VERIFIER_NEW)]));
    super(b, r);
    this.#keys = r.keyCount;
    this.#scheme = r.description;
  }
  verify(payload, headers, opts) {
    const b = Held.build(this);
    return withWriter((w) => {
      const r = b.verify(w, this, MODE_VERIFIER, Held.names(this), Held.limit(this), payload, headers, opts, VERIFY_OPTIONS);
      return verifiedObject(r, bodyOf(w, r.body, payload, w.seen, PLACE_OPTIONS));
    });
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
  return either((b) =>
    withWriter((w) => {
      const r = newVerifier(b, w, opts, VERIFIER_ONE_CALL);
      try {
        w.at = 0;
        const v = b.verify(w, r.handle, mode, new Set(r.names.split("\0")), r.limit ?? Infinity, payload, headers, undefined, null);
        const body = bodyOf(w, v.body, payload, w.seen, PLACE_OPTIONS);
        return mode === MODE_VERIFY ? body : verifiedObject(v, body);
      } finally {
        b.x.hl_free(r.handle);
      }
    }),
  );
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
// What verifyRequest tells the wasm in place of a body it could not read (abi's hl_verify).
const READ_NOT_REQUEST = 2;
const READ_FAILURES = { __proto__: null, too_large: 1, not_request: READ_NOT_REQUEST, not_bytes: 3 };

export function verifyRequest(request, opts) {
  return eitherAsync(async (b) => {
    const isObject = request !== null && typeof request === "object";
    // One writer for the whole request: the slots of its options (the dedupe store) stay named
    // by the wasm's answers until the claim is settled. Other calls take writers of their own.
    const w = acquire();
    try {
      const r = newVerifier(b, w, opts, VERIFIER_REQUEST, (w) => {
        w.tag(isObject ? T_TRUE : T_FALSE);
        if (!isObject) return w.tag(T_UNDEFINED);
        try {
          // A body another reader holds (locked, unread) is as gone as a used one.
          plain(w, Boolean(request.bodyUsed) || request.body?.locked === true);
        } catch (e) {
          w.threw(e);
        }
        // Its URL and method, for the schemes that sign them (options.url and .method come first).
        for (const name of ["url", "method"]) {
          let v;
          try {
            v = request[name];
          } catch {
            // Unreadable: as if absent.
          }
          plain(w, typeof v === "string" ? v : undefined);
        }
      });
      try {
        const read = await readBody(request, r.limit);
        const headers = request.headers;
        const payload = read instanceof Uint8Array ? read : READ_FAILURES[read] ?? READ_NOT_REQUEST;
        w.at = 0;
        const v = b.verify(w, r.handle, MODE_REQUEST, new Set(r.names.split("\0")), r.limit, payload, headers, undefined, null);
        // The result is built before the claim: a body that fails to parse is never remembered.
        const result = verifiedObject(v, bodyOf(w, v.body, read, read, PLACE_OPTIONS));
        if (v.dedupeKey !== undefined) {
          const held = w.slots[v.cause];
          const key = v.dedupeKey;
          let how = 0;
          let answer;
          try {
            const called = held.claim.call(held.store, key, v.dedupeLease);
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
          w.at = 0;
          w.tagF64(T_NUMBER, how);
          if (how === 0) plain(w, answer);
          else w.threw(answer);
          w.text(key);
          b.call(w, b.x.hl_claimed);
          define(result, "dedupe", claimed(held, key, v.dedupeExpires, v.dedupeLease));
        }
        define(result, "body", read);
        // A provider's endpoint verification (Slack, Zoom, Discord): the wasm wrote the answer.
        if (v.handshake !== undefined) define(result, "handshake", { body: v.handshake });
        return result;
      } finally {
        b.x.hl_free(r.handle);
      }
    } finally {
      release(w);
    }
  });
}

/**
 * A claimed delivery's dedupe handle: the claim holds only for its lease until the work is done.
 * `complete()` once the delivery was handled (it is then held until the core's expiry);
 * `release()` when handling it failed, so the sender's retry is handled (only the claim this
 * request made: `release(key, leaseUntilMs)`). Each settles once.
 */
function claimed(held, key, until, lease) {
  let settled = null;
  const once = (f) => () => (settled ??= Promise.resolve().then(f));
  return {
    key,
    complete: once(() => held.complete.call(held.store, key, until)),
    // With the claim's lease: a handler that outlived it (the sender's retry claimed the key
    // since) releases nothing of the retry's claim.
    release: once(() => held.release.call(held.store, key, lease)),
  };
}

/** The bytes of WebAssembly memory the package holds: each build once it is loaded. */
export function wasmMemoryBytes() {
  let n = (hmac === null ? 0 : hmac.bytes()) + (ed === null ? 0 : ed.bytes()) + (providers === null ? 0 : providers.bytes());
  for (const f of others) n += f();
  return n;
}
