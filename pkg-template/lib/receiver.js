// hookline/receiver: the receiver alone. Its wasm is the core built without the sender and
// without ed25519 (the HMAC schemes); a second build with ed25519 is loaded the first time a key
// needs it (a whpk_/whsk_ key, a Discord public key). Which build a key needs is the core's
// decision: the small build refuses such a key with code `ed25519_unavailable` and the call is
// made again, unchanged, on the other. This file only routes calls; it decides nothing.
import * as hmac from "hookline-receiver-hmac";
import { HooklineError } from "hookline-errors";

export { HooklineError, WebhookVerificationError } from "hookline-errors";

let loadEd = null;
let ed = null;

const UNAVAILABLE = "ed25519_unavailable";

/**
 * The default export, which the entries' `export *` never passes on: each runtime's loader calls
 * it once with the HMAC build's compiled module, the platform's HMAC-SHA256 where it has one,
 * and a function that loads, instantiates and returns the ed25519 build's glue.
 */
export default function instantiate(module, hostHmac, loadEd25519) {
  // The HMAC build's own instantiate refuses a second call, before the loader below is replaced.
  hmac.default(module, hostHmac);
  loadEd = loadEd25519;
}

function edBuild() {
  if (ed === null) {
    try {
      ed = loadEd();
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

// The receiver classes hold an instance of whichever build took the keys and pass calls on.
let innerOf;
class Bound {
  #inner;
  static {
    innerOf = (o) => o.#inner;
  }
  constructor(inner) {
    this.#inner = inner;
  }
  verify(payload, headers, options) {
    return this.#inner.verify(payload, headers, options);
  }
  toString() {
    return this.#inner.toString();
  }
  toJSON() {
    return this.#inner.toJSON();
  }
  free() {
    this.#inner.free();
  }
  [Symbol.dispose]() {
    this.#inner.free();
  }
}

/** A Standard Webhooks receiver and signer for one key: see the `hookline` entry's `Webhook`. */
export class Webhook extends Bound {
  constructor(secret, options) {
    super(either((m) => new m.Webhook(secret, options)));
  }
  sign(msgId, timestamp, payload) {
    return innerOf(this).sign(msgId, timestamp, payload);
  }
}

/** A receiver for every scheme: see the `hookline` entry's `Verifier`. */
export class Verifier extends Bound {
  constructor(options) {
    super(either((m) => new m.Verifier(options)));
  }
}

export function verify(payload, headers, options) {
  return either((m) => m.verify(payload, headers, options));
}

export function verifyWebhook(payload, headers, options) {
  return either((m) => m.verifyWebhook(payload, headers, options));
}

// The keys are prepared before the body is read, so a call handed over has not read it yet.
export function verifyRequest(request, options) {
  return eitherAsync((m) => m.verifyRequest(request, options));
}

/** The bytes of WebAssembly memory the receiver holds (both builds, once the second is loaded). */
export function wasmMemoryBytes() {
  return hmac.wasmMemoryBytes() + (ed === null ? 0 : ed.wasmMemoryBytes());
}
