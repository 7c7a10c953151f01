// Reads of the caller's values that both bindings make the same way (src/wasm/edge.js for the
// full package, lib/receiver.js for hookline/receiver): one copy, bundled into each.

export function stringValue(value) {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) {
    // node:http gives repeated headers as arrays; join them the way fetch's Headers does.
    const parts = value.filter((v) => typeof v === "string");
    return parts.length ? parts.join(", ") : undefined;
  }
  return undefined;
}

/**
 * The bytes a value holds as a genuine Uint8Array over attached memory (a view, no copy), or
 * why not: "detached" (its buffer was transferred), "unreadable" (a trap threw: `kept` is given
 * what it threw), null (not bytes at all). A Proxy is never a view, and a view over a detached
 * buffer cannot be made.
 */
export function bytesView(value, kept) {
  try {
    if (ArrayBuffer.isView(value)) {
      if (value.buffer.detached === true) return "detached";
      return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    }
    if (value instanceof ArrayBuffer) return value.detached === true ? "detached" : new Uint8Array(value);
    return null;
  } catch (e) {
    if (e instanceof TypeError && /detached/i.test(String(e.message))) return "detached";
    kept(e);
    return "unreadable";
  }
}

const ObjectPrototype = Object.prototype;

/**
 * Whether object `obj`'s `key` is its own or its class's, not one it inherits from
 * Object.prototype: a value someone put there (prototype pollution: `Object.prototype.secrets =
 * [...]`) must not become every caller's option. What a Proxy's traps throw is thrown.
 */
export function ownOrClass(obj, key) {
  for (let o = obj; o !== null && o !== ObjectPrototype; o = Reflect.getPrototypeOf(o)) {
    if (Reflect.getOwnPropertyDescriptor(o, key) !== undefined) return true;
  }
  return false;
}

/** A Date's time (ms), NaN for anything else or anything that throws (a Proxy around a Date). */
export function timeOf(value) {
  try {
    return Date.prototype.getTime.call(value);
  } catch {
    return NaN;
  }
}

/**
 * A Fetch Request's body, read at most `limit` bytes far: a declared Content-Length over it, or a
 * stream that goes past it, stops the read (the rest is cancelled) and answers "too_large";
 * "not_request" when there is no body to read; "not_bytes" when its stream gives something else
 * than bytes (a string: a Node request someone called setEncoding on), which is cancelled.
 * Whatever the request's getters or stream throw rejects this promise with it.
 */
export async function readBody(request, limit) {
  const declared = Number(request.headers?.get?.("content-length") ?? NaN);
  if (declared > limit) return "too_large";
  const stream = request.body;
  if (stream && typeof stream.getReader === "function") {
    const reader = stream.getReader();
    const chunks = [];
    let size = 0;
    for (;;) {
      const step = await reader.read();
      if (step?.done) break;
      // A chunk's bytes as any caller's value is read (a view, no copy); what its traps throw
      // rejects, as the stream's own errors do.
      let thrown;
      const chunk = typeof step === "object" ? bytesView(step?.value, (e) => (thrown = e)) : null;
      if (chunk === "unreadable") throw thrown;
      if (!(chunk instanceof Uint8Array)) {
        reader.cancel().catch(() => {});
        return "not_bytes";
      }
      size += chunk.byteLength;
      if (size > limit) {
        reader.cancel().catch(() => {});
        return "too_large";
      }
      chunks.push(chunk);
    }
    const out = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    return out;
  }
  if (typeof request.arrayBuffer !== "function") return "not_request";
  // A request-like without a stream: read whole, then judged.
  const whole = new Uint8Array(await request.arrayBuffer());
  return whole.byteLength > limit ? "too_large" : whole;
}
