// What support staff ask of the delivery log and may do to it, and tenant tokens, from
// tests/vectors/support.json (the same answers tests/support_vectors.rs checks in the Rust core),
// through the main entry's supportQuery, cancelDelivery, recoveryPlan and TenantTokens.
// Registered by suite.mjs, so it runs in every runtime: ECMAScript only.
import { assert, assertPartial, hexToBytes } from "./harness.mjs";

/** The case's answer (`expect`, partially) or its error (`error: { code, mentions? }`), a SenderError. */
function expectCase(c, call, SenderError) {
  if (c.error) {
    let thrown = null;
    try {
      call();
    } catch (e) {
      thrown = e;
    }
    assert.ok(thrown instanceof SenderError, `${c.name}: expected a SenderError, got ${thrown?.name ?? "a result"}`);
    assert.equal(thrown.code, c.error.code, c.name);
    if (c.error.mentions) assert.ok(thrown.message.includes(c.error.mentions), `${c.name}: "${thrown.message}" does not name ${c.error.mentions}`);
  } else {
    assertPartial(call(), c.expect, c.name);
  }
}

export function registerSupportVectorTests(test, hookline, vectors) {
  const { supportQuery, cancelDelivery, recoveryPlan, TenantTokens, SenderError } = hookline;
  const file = vectors.support;

  test("support vectors: the file has its cases", () => {
    assert.ok(file.queries.length >= 30 && file.cancels.length >= 5 && file.recoveries.length >= 10 && file.tokens.checks.length >= 10, "cases");
  });

  for (const c of file.queries) {
    test(`support query vector: ${c.name}`, () => expectCase(c, () => supportQuery(c.listing, c.params), SenderError));
  }

  test("support query: URLSearchParams as it comes, in the order given", () => {
    const q = supportQuery("attempts", new URLSearchParams("status=failed&statusClass=5xx&limit=5"));
    assert.deepEqual([q.status, q.statusClass, q.limit], ["failed", { range: [500, 599] }, 5]);
  });

  test("support vectors: each attempt outcome's status word selects it", () => {
    for (const [outcome, word] of Object.entries(file.statuses)) {
      assert.ok(supportQuery("attempts", [["status", word]]).outcomes.includes(outcome), `${outcome} under ${word}`);
    }
  });

  for (const c of file.cancels) {
    test(`cancel vector: ${c.name}`, () => expectCase(c, () => cancelDelivery(c.delivery, c.nowMs), SenderError));
  }

  for (const c of file.recoveries) {
    test(`recovery vector: ${c.name}`, () => expectCase(c, () => recoveryPlan(c.body), SenderError));
  }

  const tokens = new TenantTokens(file.tokens.secret);
  for (const c of file.tokens.issued) {
    test(`tenant token vector: ${c.name}`, () => expectCase(c, () => tokens.issue(c.tenant, c.options, c.nowMs, hexToBytes(c.nonceHex)), SenderError));
  }
  for (const c of file.tokens.checks) {
    test(`tenant token check vector: ${c.name}`, () => expectCase(c, () => tokens.check(c.token, c.tenant, c.access, c.nowMs), SenderError));
  }

  test("tenant tokens: a short secret, a nonce that is not 16 bytes and an unknown access are refused", () => {
    assert.throws(() => new TenantTokens("short"), undefined, SenderError);
    assert.throws(() => tokens.issue("acme", {}, 0, new Uint8Array(8)), "invalid_argument");
    assert.throws(() => tokens.check("hlt_x.y", "acme", "admin", 0), undefined, SenderError);
  });
}
