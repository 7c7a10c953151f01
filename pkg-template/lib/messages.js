// The package's errors, made from what the core says (a code, a reason and parameters), for both
// bindings (lib/receiver.js over abi/, src/wasm/edge.js for the sender's build) and every runtime;
// their message and hint text is lib/message-text.js's. Fields are defined, not assigned, so a
// setter someone put on Object.prototype (`code`, `hint`, `cause`) never runs while an error is
// made.
import { HooklineError, SenderError, WebhookVerificationError } from "./errors.js";
import { hintOf, messageOf, reasonText } from "./message-text.js";

export { messageOf };

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

// The kind of a TypeError with a code.
const TYPE_ERROR = 2;

/**
 * An error of `kind`: 0 a WebhookVerificationError, 1 a HooklineError, 2 a TypeError with a code,
 * 3 a SenderError.
 */
export function makeError(kind, code, message, hint) {
  if (kind === TYPE_ERROR) return typeError(code, message, hint);
  const Class = kind === 0 ? WebhookVerificationError : kind === 3 ? SenderError : HooklineError;
  return new Class(code, message, hint);
}

/**
 * The error a description makes (`d` holds code, reason, t1, t2, n1, n2), its message and hint
 * from the table; a TypeError's message is its reason alone (it says which value was wrong).
 */
export function errorFrom(kind, d) {
  return makeError(kind, d.code, kind === TYPE_ERROR ? reasonText(d) : messageOf(d), hintOf(d));
}
