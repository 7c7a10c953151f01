// npm run demo: build the package, then a short demo on 127.0.0.1. A receiver verifies with hookline;
// a sender signs an event and POSTs it, then POSTs a tampered copy, a replay from an hour ago and
// one with the wrong secret, and the receiver says what it decided about each. Everything stops
// by itself at the end.
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const build = spawnSync("node", [join(root, "scripts", "build.mjs"), "--quiet"], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

const { Webhook, signHeaders, generateSecret, WebhookVerificationError } = await import(join(root, "pkg", "node.mjs"));

const secret = generateSecret();
const receiver = new Webhook(secret);
const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks); // the raw bytes: never re-serialize before verifying
    try {
      const event = receiver.verify(body, req.headers);
      console.log(`  receiver: 204 accepted ${req.headers["webhook-id"]} type=${event.type}`);
      res.writeHead(204).end();
    } catch (e) {
      if (!(e instanceof WebhookVerificationError)) throw e;
      console.log(`  receiver: 400 rejected (${e.code}) ${e.message}`);
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ code: e.code }));
    }
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${server.address().port}/webhooks`;
console.log(`hookline demo: receiver listening on ${url}`);
console.log(`  secret: ${secret.slice(0, 10)}... (generated for this run)`);

const payload = JSON.stringify({ type: "invoice.paid", timestamp: new Date().toISOString(), data: { invoice: "in_42", amount: 4200 } });
const send = async (label, body, headers) => {
  console.log(`\nsender: ${label}`);
  const res = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  console.log(`  sender: HTTP ${res.status}`);
  return res.status;
};

try {
  const headers = signHeaders({ secret, payload });
  console.log("\nsigned headers:");
  for (const [k, v] of Object.entries(headers)) console.log(`  ${k}: ${v}`);
  const statuses = [
    await send("the signed event", payload, headers),
    await send("the same headers with a tampered body", payload.replace("4200", "1"), headers),
    await send("a replay signed an hour ago", payload, signHeaders({ secret, payload, timestamp: Math.floor(Date.now() / 1000) - 3600 })),
    await send("signed with another endpoint's secret", payload, signHeaders({ secret: generateSecret(), payload })),
  ];
  const expected = [204, 400, 400, 400];
  const ok = statuses.every((s, i) => s === expected[i]);
  console.log(`\n${ok ? "demo finished: 1 accepted, 3 rejected, as expected" : `demo: unexpected statuses ${statuses}`}`);
  process.exitCode = ok ? 0 : 1;
} finally {
  server.close();
}
