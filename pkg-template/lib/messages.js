// How the package's errors are made, for both bindings (lib/receiver.js over abi/, src/wasm/edge.js
// for the sender's build): fields are defined, not assigned, so a setter someone put on
// Object.prototype (`code`, `hint`, `cause`) never runs while an error is made.

/** An own, enumerable data property, as an assignment to a fresh object would make it. */
export function define(target, key, value) {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** A `TypeError` with a `code`: a value of the wrong JS type. */
export function typeError(code, message, hint) {
  const err = new TypeError(message);
  define(err, "code", code);
  if (hint) define(err, "hint", hint);
  return err;
}
