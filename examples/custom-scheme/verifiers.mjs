// Verifiers for hand-written schemes: HMAC-SHA256 under a header of your own.
//   FOREMAN_SECRET=... DEVCARD_SECRET=... ACME_SECRET=...
import { Verifier } from "hookline/receiver";

// #region custom
// "sha256=<hex>" of the body in X-Foreman-Signature:
export const foreman = new Verifier({
  secret: process.env.FOREMAN_SECRET,
  custom: { header: "X-Foreman-Signature", prefix: "sha256=", encoding: "hex" },
});
// "{ts}.{body}" signed, the timestamp in its own header (checked against the tolerance):
export const devcard = new Verifier({
  secret: process.env.DEVCARD_SECRET,
  custom: { header: "X-DevCard-Signature", timestampHeader: "X-DevCard-Timestamp" },
});
// Stripe's "t=...,v1=..." layout under another name:
export const acme = new Verifier({
  secret: process.env.ACME_SECRET,
  custom: { header: "X-Acme-Signature", format: "stripe" },
});
// #endregion custom
