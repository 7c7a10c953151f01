// The caller's values, read and written in the encoding src/input.rs reads: what both bindings
// hand the core (the receiver's raw ABI in lib/receiver.js, the sender's signer options in
// src/wasm/edge.js). Reading a caller's object runs its getters, Proxy traps and iterators; what
// they throw is caught here and written as a slot (the wasm names the slot when an error should
// carry it as its cause, or be rethrown as the caller's own), so nothing ever unwinds through
// wasm. Every judgement of a value is the core's; this file only says what the value is.
//
// A Writer per call: a getter may call back into the package (a re-entrant read), and the inner
// call takes a writer of its own from the pool instead of overwriting the outer one's.
import { bytesView as viewOf, ownOrClass, timeOf } from "./read.js";

export const T_UNDEFINED = 0, T_NULL = 1, T_FALSE = 2, T_TRUE = 3, T_NUMBER = 4, T_STRING = 5, T_BYTES = 6, T_DETACHED = 7;
export const T_THREW = 8, T_DATE = 9, T_ARRAY = 10, T_OBJECT = 11, T_FUNCTION = 12, T_OTHER = 13, T_NOT_ARRAY = 14;
export const T_STRING_SIZE = 15, T_BYTES_SIZE = 16, T_LIST_THREW = 17;

const utf8 = new TextEncoder();
/** Most keys a receiver or a signer holds (src/verify.rs MAX_KEYS): a longer list is refused. */
const MAX_KEYS = 64;
/** A writer that grew past this (a 10 MiB header) is not kept for the next call. */
const KEEP = 1 << 20;

// Text up to this many UTF-16 units is tried as ASCII before the encoder (Writer.utf8).
const SHORT_TEXT = 512;

export class Writer {
  constructor() {
    this.buf = new Uint8Array(1024);
    this.view = new DataView(this.buf.buffer);
    this.at = 0;
    // What a call's values threw, and the functions they hold, by slot.
    this.slots = [];
    // What bytesView's last unreadable value threw (bytesOrWhy writes it).
    this.lastThrown = undefined;
    // The bytes a verification copied into wasm (lib/receiver.js): the ones parsed afterwards.
    this.seen = null;
  }

  room(n) {
    if (this.at + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.at + n));
    bigger.set(this.buf.subarray(0, this.at));
    this.buf = bigger;
    this.view = new DataView(bigger.buffer);
  }

  tag(t) {
    this.room(1);
    this.buf[this.at++] = t;
  }

  tagU32(t, n) {
    this.room(5);
    this.buf[this.at] = t;
    this.view.setUint32(this.at + 1, n, true);
    this.at += 5;
  }

  tagF64(t, n) {
    this.room(9);
    this.buf[this.at] = t;
    this.view.setFloat64(this.at + 1, n, true);
    this.at += 9;
  }

  text(s) {
    this.room(5 + s.length * 3);
    const written = this.utf8(s, this.at + 5);
    this.buf[this.at] = T_STRING;
    this.view.setUint32(this.at + 1, written, true);
    this.at += 5 + written;
  }

  /** An object member's name: its UTF-8 after a u32 length, no tag. */
  name(s) {
    this.room(4 + s.length * 3);
    const written = this.utf8(s, this.at + 4);
    this.view.setUint32(this.at, written, true);
    this.at += 4 + written;
  }

  /**
   * `s` as UTF-8 at `at` (the room is made); the bytes written. Short ASCII text (an option's
   * name, a header block) is copied unit by unit, cheaper than a call into the encoder; anything
   * else is the platform encoder's.
   */
  utf8(s, at) {
    const n = s.length;
    if (n <= SHORT_TEXT) {
      const buf = this.buf;
      let i = 0;
      while (i < n) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        buf[at + i++] = c;
      }
      if (i === n) return n;
    }
    return utf8.encodeInto(s, this.buf.subarray(at)).written;
  }

  bytes(b) {
    this.room(5 + b.length);
    this.buf[this.at] = T_BYTES;
    this.view.setUint32(this.at + 1, b.length, true);
    this.buf.set(b, this.at + 5);
    this.at += 5 + b.length;
  }

  keep(value) {
    return this.slots.push(value) - 1;
  }

  threw(e) {
    this.tagU32(T_THREW, this.keep(e === undefined ? new Error("undefined was thrown") : e));
  }

  /** The bytes a value holds as a view over attached memory, or why not (see read.js). */
  view_(v) {
    return viewOf(v, (e) => {
      this.lastThrown = e;
    });
  }

  bytesOrWhy(b) {
    if (b === "detached") this.tag(T_DETACHED);
    else if (b === "unreadable") this.threw(this.lastThrown);
    else this.bytes(b);
  }
}

const pool = [];

/** A writer for one call; give it back with `release` once the call's answer is read. */
export function acquire() {
  const w = pool.pop() ?? new Writer();
  w.at = 0;
  return w;
}

export function release(w) {
  w.slots = [];
  w.lastThrown = undefined;
  if (w.buf.length > KEEP) return;
  pool.push(w);
}

/** A value as it is: what a string, number or flag option can be. */
export function plain(w, v) {
  switch (typeof v) {
    case "string":
      return w.text(v);
    case "number":
      return w.tagF64(T_NUMBER, v);
    case "boolean":
      return w.tag(v ? T_TRUE : T_FALSE);
    case "undefined":
      return w.tag(T_UNDEFINED);
    case "object":
      if (v === null) return w.tag(T_NULL);
      w.tagU32(T_OBJECT, 0);
      return;
    default:
      return w.tag(T_OTHER);
  }
}

/** A payload: a string or bytes inline (a sender signs them), or what else it is. */
export function PAYLOAD(w, v) {
  if (typeof v === "object" && v !== null) {
    const b = w.view_(v);
    if (b === null) return plain(w, v);
    return w.bytesOrWhy(b);
  }
  return plain(w, v);
}

/** The key inside `{ id, key }`: bytes one level down, never an object (a key that holds itself must not recurse). */
function KEY_INNER(w, v) {
  if (typeof v === "object" && v !== null) {
    const b = w.view_(v);
    if (b === null) return w.tag(T_OTHER);
    return w.bytesOrWhy(b);
  }
  return plain(w, v);
}
const KEY_PAIR = { key: KEY_INNER, id: plain };

/** One key: a string or bytes, or `{ id, key }`. */
export function KEY(w, v) {
  if (typeof v === "object" && v !== null) {
    const b = w.view_(v);
    if (b !== null) return w.bytesOrWhy(b);
    if (Array.isArray(v)) return w.tag(T_NOT_ARRAY);
    return members(w, v, KEY_PAIR);
  }
  if (typeof v === "function") return w.tag(T_OTHER);
  return plain(w, v);
}

export function KEYS(w, v) {
  let items;
  try {
    if (v === undefined) return w.tag(T_UNDEFINED);
    if (!Array.isArray(v)) return w.tag(T_NOT_ARRAY);
    // Copied into a genuine array first: a Proxy's traps run here, once.
    items = Array.prototype.slice.call(v, 0, MAX_KEYS + 1);
  } catch (e) {
    return w.tagU32(T_LIST_THREW, w.keep(e === undefined ? new Error("undefined was thrown") : e));
  }
  w.tagU32(T_ARRAY, items.length);
  for (const item of items) KEY(w, item);
}

/** A time: a Date's ms (NaN for anything that only looks like one), or the value itself. */
export function TIME(w, v) {
  if (typeof v === "object" && v !== null) return w.tagF64(T_DATE, timeOf(v));
  if (typeof v === "function") return w.tag(T_OTHER);
  return plain(w, v);
}

const CUSTOM = { header: plain, prefix: plain, encoding: plain, timestampHeader: plain, idHeader: plain, eventHeader: plain, format: plain };

/**
 * A dedupe store: its functions, kept with the store to call them on, in one slot (a getter that
 * throws is no function).
 */
function STORE(w, v) {
  if (typeof v !== "object" || v === null) return plain(w, v);
  const held = { store: v, claim: undefined, complete: undefined, release: undefined };
  const names = [];
  for (const name of ["claim", "complete", "release"]) {
    try {
      const f = Reflect.get(v, name);
      if (typeof f === "function") {
        held[name] = f;
        names.push(name);
      }
    } catch {
      // Not a function, then.
    }
  }
  w.tagU32(T_OBJECT, names.length);
  if (names.length === 0) return;
  const slot = w.keep(held);
  for (const name of names) {
    w.name(name);
    w.tagU32(T_FUNCTION, slot);
  }
}

/** Every option a receiver or a signer reads, with what is read of each (see index.d.ts). */
export const OPTIONS = {
  secret: KEY, secrets: KEYS, publicKey: KEY, publicKeys: KEYS, format: plain, scheme: plain, custom: CUSTOM,
  tolerance: plain, maxPayloadBytes: plain, now: TIME, jsonParse: plain, raw: plain, dedupe: STORE, dedupeRetention: plain,
  // The request, for the schemes that sign its URL (Twilio, Square, HubSpot) or method (HubSpot).
  url: plain, method: plain,
  // Stripe's test helper (generateTestHeaderString).
  timestamp: TIME, signature: plain,
};

function member(w, v, schema) {
  if (typeof schema === "function") return schema(w, v);
  if (typeof v === "object" && v !== null) return members(w, v, schema);
  return plain(w, v);
}

/**
 * An object's members by name (Reflect.get: a getter or trap that throws is kept, per name), its
 * own or its class's only.
 */
export function members(w, obj, schema) {
  const countAt = w.at;
  w.tagU32(T_OBJECT, 0);
  let count = 0;
  for (const key in schema) {
    let v;
    try {
      v = Reflect.get(obj, key);
      if (v !== undefined && !ownOrClass(obj, key)) v = undefined;
    } catch (e) {
      w.name(key);
      w.threw(e);
      count++;
      continue;
    }
    if (v === undefined) continue;
    w.name(key);
    member(w, v, schema[key]);
    count++;
  }
  w.view.setUint32(countAt + 1, count, true);
}

/** The options bag: an object's members, or the value itself (the core refuses a non-object). */
export function options(w, v, schema) {
  if (typeof v === "object" && v !== null) members(w, v, schema);
  else plain(w, v);
}
