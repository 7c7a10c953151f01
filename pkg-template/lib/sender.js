// The sender's exports of the main entry (`hookline`): signing, envelopes, matching, retry, the
// SSRF guard, health, delivery, the dispatcher. They live in the wasm-bindgen build (src/wasm),
// which is loaded the first time one of them is used, by the runtime's loader (`setSender`), not
// at import: a receiver importing `hookline` loads only the receiver's build (lib/receiver.js).
// Each export here stands in for the build's own: a function calls it, a class constructs the
// build's class (and `instanceof` holds against either).
import { define, errorFrom } from "./messages.js";

let loader = null;
let api = null;

/**
 * Called once by each runtime's entry (through lib/main.js's default export) with a function
 * that loads the sender's build and returns its API (the glue's exports, instantiated, with
 * `memoryBytes()`).
 */
export function setSender(load) {
  if (loader !== null) throw new Error("hookline: the sender is already set up");
  loader = load;
}

/** The sender's API, loaded at the first call. */
export function sender() {
  if (api === null) {
    try {
      api = loader();
    } catch (cause) {
      const err = errorFrom(1, { code: "module_unavailable", reason: "module_sender" });
      define(err, "cause", cause);
      throw err;
    }
  }
  return api;
}

/** The sender's wasm memory in bytes, 0 until it is loaded. */
export function senderMemoryBytes() {
  return api === null ? 0 : api.memoryBytes();
}

/** The sender's function `name`, loading the build at its first call. */
export function lazyFunction(name) {
  const f = {
    [name](...args) {
      return sender()[name](...args);
    },
  }[name];
  return f;
}

/** The sender's class `name`: `new` makes an instance of the build's class, loading it first. */
export function lazyClass(name) {
  function Lazy(...args) {
    if (new.target === undefined) throw new TypeError(`Class constructor ${name} cannot be invoked without 'new'`);
    return Reflect.construct(sender()[name], args);
  }
  Object.defineProperty(Lazy, "name", { value: name });
  Object.defineProperty(Lazy, Symbol.hasInstance, { value: (v) => api !== null && v instanceof api[name] });
  return Lazy;
}
