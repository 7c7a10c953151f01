// The error classes as the Node (and Bun) ESM entries get them: errors.cjs, the one module every
// Node entry shares (so instanceof holds whichever entry threw), loaded by require rather than
// by import. An import of a CommonJS file starts Node 20's export lexer for it, which cost a
// receiver's ESM cold start about 4 ms (26.0 ms against 22.7 ms over 21 processes). esbuild
// bundles this file into each Node ESM entry, so import.meta.url is the entry's own, beside
// errors.cjs.
import { createRequire } from "node:module";

const errors = createRequire(import.meta.url)("./errors.cjs");

export const HooklineError = errors.HooklineError;
export const SenderError = errors.SenderError;
export const WebhookVerificationError = errors.WebhookVerificationError;
