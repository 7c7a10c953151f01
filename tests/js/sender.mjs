// The sender's decisions through the public API, from the same vectors the Rust tests read.
// Registered by suite.mjs, so it runs in all six runtimes.
import { assert, hexToBytes } from "./harness.mjs";

export function registerSenderTests(test, hookline, vectors) {
  const { buildEnvelope, eventId, validateEventType, HooklineError } = hookline;
  const decode = (b) => new TextDecoder().decode(b);

  for (const c of vectors.envelope.cases) {
    test(`envelope vector: ${c.name}`, () => {
      const run = () => buildEnvelope(c.input, { ...c.options, now: c.nowMs, random: hexToBytes(c.random) });
      if (c.expect.error) {
        assert.throws(run, c.expect.error, HooklineError);
      } else {
        const e = run();
        assert.equal(e.id, c.expect.id);
        assert.equal(decode(e.body), c.expect.body);
        assert.equal(e.type, c.input.type);
      }
    });
  }

  test("envelope ids are unique and sortable; offload moves the largest part to a reference", () => {
    const a = buildEnvelope({ type: "a.b", data: {} }, { now: 1_700_000_000_000 });
    const b = buildEnvelope({ type: "a.b", data: {} }, { now: 1_700_000_000_001 });
    assert.ok(a.id < b.id && a.id.startsWith("msg_"), `${a.id} ${b.id}`);
    assert.ok(eventId("evt_") !== eventId("evt_"));
    const big = { type: "build.finished", data: { log: "x".repeat(5000), status: "ok" } };
    const e = buildEnvelope(big, { maxPayloadBytes: 1000, offload: { urlTemplate: "https://files.example.com/{id}/{name}" } });
    assert.equal(e.offloaded.length, 1);
    assert.equal(e.offloaded[0].name, "log");
    assert.equal(e.offloaded[0].body.length, 5000);
    const parsed = JSON.parse(decode(e.body));
    assert.equal(parsed.data.log.url, `https://files.example.com/${e.id}/log`);
    assert.throws(() => buildEnvelope(big, { maxPayloadBytes: 1000 }), "payload_too_large", HooklineError);
  });

  test("validateEventType throws with a code", () => {
    validateEventType("invoice.paid");
    assert.throws(() => validateEventType("invoice..paid"), "invalid_event_type", HooklineError);
    assert.throws(() => validateEventType(42), "invalid_argument", TypeError);
    assert.throws(() => buildEnvelope({ type: "a", data: {}, bogus: 1 }), "invalid_argument", TypeError);
  });
}
