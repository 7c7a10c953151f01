// Verify webhooks of any scheme: a Fetch Request in one call, or raw bytes and headers with a
// long-lived Verifier whose keys are named for rotation telemetry.
//   STRIPE_WEBHOOK_SECRET=whsec_... GITHUB_SECRET_OLD=... GITHUB_SECRET_NEW=...
import { verifyRequest, Verifier } from "hookline/receiver";

// A Request from Deno.serve, Bun.serve, a Worker's fetch or Node 20+: the body is read once, as bytes.
export async function receiveStripe(request) {
  const result = await verifyRequest(request, { secret: process.env.STRIPE_WEBHOOK_SECRET });
  // { scheme: "stripe", keyIndex: 0, keyId: "secret", timestamp: 1718000000, payload: {...}, body: Uint8Array }
  return result;
}

// Long-lived: prepare keys once, name them for rotation telemetry.
const github = new Verifier({
  scheme: "github",
  secrets: [{ id: "2026-11", key: process.env.GITHUB_SECRET_OLD }, { id: "2027-01", key: process.env.GITHUB_SECRET_NEW }],
});

export function receiveGitHub(rawBody, headers) {
  const { keyId, eventType, id, payload } = github.verify(rawBody, headers);
  // keyId: "2026-11" or "2027-01"; eventType and id from X-GitHub-Event and X-GitHub-Delivery
  return { keyId, eventType, id, payload };
}
