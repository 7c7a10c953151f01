// The error classes every entry of the package throws. One file, loaded once per runtime (the
// entries import it rather than each carrying a copy), so `instanceof WebhookVerificationError`
// holds whichever entry, `hookline` or `hookline/receiver`, made the error.

/** Base class of every error hookline throws on purpose. `code` is stable; `message` may change. */
export class HooklineError extends Error {
  constructor(code, message, hint) {
    super(message);
    this.name = "HooklineError";
    this.code = code;
    if (hint) this.hint = hint;
  }
}

/** A webhook failed verification, or the receiver was set up wrongly (code `invalid_secret`). */
export class WebhookVerificationError extends HooklineError {
  constructor(code, message, hint) {
    super(code, message, hint);
    this.name = "WebhookVerificationError";
  }
}

/**
 * A sender's error: a bad delivery option, policy, event, URL or subscription key. Never a
 * `WebhookVerificationError`, so a receiver's `instanceof` check cannot mistake one for a verdict.
 */
export class SenderError extends HooklineError {
  constructor(code, message, hint) {
    super(code, message, hint);
    this.name = "SenderError";
  }
}
