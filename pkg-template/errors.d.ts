// Types of `hookline/errors`: the error classes every entry throws, one module per runtime.
export { HooklineError, SenderError, WebhookVerificationError } from "./index.js";
