// The error classes every entry of the package throws. One module per runtime (the entries take
// it from the receiver's module rather than each carrying a copy), so `instanceof
// WebhookVerificationError` holds whichever entry, `hookline` or `hookline/receiver`, made the
// error.
//
// Fields are defined, not assigned: a setter someone put on Object.prototype (`code`, `hint`,
// `cause`) never runs while an error is made.

/** An own, enumerable data property, as an assignment to a fresh object would make it. */
function define(target, key, value) {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Base class of every error hookline throws on purpose. `code` is stable; `message` may change. */
export class HooklineError extends Error {
  constructor(code, message, hint) {
    super(message);
    define(this, "name", "HooklineError");
    define(this, "code", code);
    if (hint) define(this, "hint", hint);
  }
}

/** A webhook failed verification, or the receiver was set up wrongly (code `invalid_secret`). */
export class WebhookVerificationError extends HooklineError {
  constructor(code, message, hint) {
    super(code, message, hint);
    define(this, "name", "WebhookVerificationError");
  }
}

/**
 * A sender's error: a bad delivery option, policy, event, URL or subscription key. Never a
 * `WebhookVerificationError`, so a receiver's `instanceof` check cannot mistake one for a verdict.
 */
export class SenderError extends HooklineError {
  constructor(code, message, hint) {
    super(code, message, hint);
    define(this, "name", "SenderError");
  }
}
