// The providers' endpoint verifications (tests/vectors/handshakes.json, written with node:crypto):
// each signed request through verifyRequest from a Fetch Request, its result's `handshake` the
// answer the vector names (absent when it names none). The same file is read by
// tests/handshake_vectors.rs. Registered by suite.mjs, so it runs in all six runtimes.
import { assert } from "./harness.mjs";

export function registerHandshakeTests(test, hookline, vectors) {
  const { verifyRequest } = hookline;
  const cases = vectors.handshakes?.cases ?? [];
  if (cases.length < 40) throw new Error(`expected the handshake vectors, got ${cases.length}`);
  if (typeof Request !== "function") return;

  for (const c of cases) {
    test(`handshake vector through verifyRequest: ${c.name}`, async () => {
      const keyField = c.scheme === "discord" ? "publicKeys" : "secrets";
      const req = new Request("https://hooks.example.com/hook", { method: "POST", headers: c.headers, body: c.payload });
      const r = await verifyRequest(req, { [keyField]: c.keys, scheme: c.scheme, now: c.now, jsonParse: c.json_parse });
      assert.equal(r.scheme, c.scheme);
      const want = c.expect.handshake;
      if (want === null) {
        assert.ok(!("handshake" in r), `no handshake expected, got ${JSON.stringify(r.handshake)}`);
        return;
      }
      assert.deepEqual(Object.keys(r.handshake), ["body"]);
      assert.equal(r.handshake.body, want);
      // The sender's strings come back as they were sent: the answer parses to them.
      const sent = JSON.parse(c.payload);
      const answer = JSON.parse(r.handshake.body);
      if (c.scheme === "slack") assert.equal(answer.challenge, sent.challenge);
      if (c.scheme === "zoom") assert.equal(answer.plainToken, sent.payload.plainToken);
    });
  }
}
