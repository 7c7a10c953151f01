// The receiver cannot be poisoned by what it is handed: values that throw while the glue reads
// them (getters, Proxy traps, iterators, detached buffers) give a typed error, or the caller's own
// error back, and 10,000 such calls of each kind leave the same instance verifying. Before, a JS
// exception unwound through wasm frames and leaked table slots: after a few hundred calls every
// export failed with "table index is out of bounds". Registered by suite.mjs: every runtime.
import { assert } from "./harness.mjs";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

export function registerPoisonTests(test, hookline) {
  const { verify, verifyWebhook, verifyRequest, signHeaders, Webhook, WebhookVerificationError, HooklineError } = hookline;
  const headers = signHeaders({ secret: SECRET, payload: "{}", id: "msg_poison", timestamp: 1_700_000_000 });
  const headersFor = (payload) => signHeaders({ secret: SECRET, payload, id: "msg_poison", timestamp: 1_700_000_000 });
  const ok = () => verifyWebhook("{}", headers, { secret: SECRET, now: 1_700_000_000 }).id === "msg_poison";
  const mine = new Error("the caller's own");
  const boom = () => {
    throw mine;
  };
  const detachedBytes = () => {
    const buffer = new ArrayBuffer(8);
    const view = new Uint8Array(buffer);
    if (typeof buffer.transfer === "function") buffer.transfer();
    else structuredClone(buffer, { transfer: [buffer] });
    return view;
  };
  let canDetach = true;
  try {
    detachedBytes();
  } catch {
    canDetach = false;
  }
  const revoked = () => {
    const r = Proxy.revocable({}, {});
    r.revoke();
    return r.proxy;
  };
  const map = () => {
    const m = new Map(Object.entries(headers));
    m[Symbol.iterator] = boom;
    m.entries = boom;
    return m;
  };
  // [name, call, the code expected (null: the caller's own error, rethrown as it was)]
  const kinds = [
    ["a header getter that throws", () => verify("{}", { get "webhook-id"() { throw mine; } }, { secret: SECRET }), "invalid_header"],
    ["a Proxy whose ownKeys throws", () => verify("{}", new Proxy({}, { ownKeys: boom }), { secret: SECRET }), "invalid_header"],
    ["a Headers look-alike whose get throws", () => verify("{}", { get: boom, has: () => true }, { secret: SECRET }), "invalid_header"],
    ["a Map whose iterator throws", () => verify("{}", map(), { secret: SECRET }), "invalid_header"],
    ["revoked Proxy headers", () => verify("{}", revoked(), { secret: SECRET }), "invalid_header"],
    ["Webhook.verify with a throwing Proxy", () => new Webhook(SECRET).verify("{}", new Proxy({}, { ownKeys: boom })), "invalid_header"],
    ["a Proxy around a Uint8Array body", () => verify(new Proxy(new Uint8Array(2), {}), headers, { secret: SECRET }), "invalid_payload"],
    ["a Proxy body whose traps throw", () => verify(new Proxy(new Uint8Array(2), { get: boom, getPrototypeOf: boom }), headers, { secret: SECRET }), "invalid_payload"],
    ["a Proxy around the secrets array", () => verify("{}", headers, { secrets: new Proxy([SECRET], { get: boom }) }), "invalid_secret"],
    ["a Proxy around a Uint8Array key", () => verify("{}", headers, { secret: new Proxy(new Uint8Array(32), {}), format: "raw" }), "invalid_secret"],
    ["a Proxy around the now Date", () => verify("{}", headers, { secret: SECRET, now: new Proxy(new Date(), { get: boom }) }), "invalid_argument"],
    ["an options getter that throws", () => verify("{}", headers, { get secret() { throw mine; } }), null],
    ["signHeaders with a Proxy body", () => signHeaders({ secret: SECRET, payload: new Proxy(new Uint8Array(2), {}) }), "invalid_payload"],
  ];
  if (canDetach) kinds.push(["a body over a detached buffer", () => verify(detachedBytes(), headers, { secret: SECRET }), "invalid_payload"]);

  for (const [name, call, code] of kinds) {
    test(`unpoisonable: ${name}: ${code ?? "the caller's own error"}, 10,000 times, and the instance still verifies`, () => {
      let first;
      try {
        call();
      } catch (e) {
        first = e;
      }
      if (code === null) assert.equal(first, mine, "the caller's error, unchanged");
      else {
        assert.ok(first instanceof HooklineError || first instanceof TypeError, `${first?.name}: ${first?.message}`);
        assert.equal(first?.code, code, String(first?.message));
      }
      for (let i = 0; i < 10_000; i++) {
        try {
          call();
        } catch {
          // expected, every time
        }
      }
      assert.ok(ok(), "the same instance verifies afterwards");
    });
  }

  test("unpoisonable: text whose UTF-8 is past the limit is refused by its exact size, 10,000 times, and the instance still verifies", () => {
    const { Verifier } = hookline;
    const v = new Verifier({ secret: SECRET, maxPayloadBytes: 10 });
    // 8 units (under the limit) of 16, 24 and 32 bytes (past it), a lone surrogate as 3 bytes.
    for (const [text, size] of [["é".repeat(8), 16], ["€".repeat(8), 24], ["😀".repeat(4), 16], ["\ud800".repeat(8), 24], ["abcdefghi€", 12]]) {
      let e;
      try {
        v.verify(text, headers, { now: 1_700_000_000 });
      } catch (err) {
        e = err;
      }
      assert.ok(e instanceof WebhookVerificationError, `${e?.name}: ${e?.message}`);
      assert.equal(e.code, "payload_too_large");
      assert.equal(e.message, `payload too large: ${size} bytes, limit 10`);
    }
    for (let i = 0; i < 10_000; i++) {
      try {
        v.verify("é".repeat(8), headers, { now: 1_700_000_000 });
      } catch {
        // expected, every time
      }
    }
    assert.ok(ok(), "the same instance verifies afterwards");
  });

  // A body past what the receiver takes, 1 GiB (2 GiB and more used to reach the wasm as a
  // wrapped length, trap it and leave every later call of the process failing): refused by its
  // size, never copied, with no limit set or one set past it. Zeroed and never written, so the
  // runtime need not commit it; a runtime that cannot reserve that much (workerd) skips nothing
  // else.
  let huge = null;
  try {
    huge = new Uint8Array(2 ** 31);
  } catch {
    // not here
  }
  if (huge !== null) {
    test("unpoisonable: a body of 2 GiB is refused by its size (the receiver takes 1 GiB at most), and every receiver still verifies", () => {
      const { Verifier } = hookline;
      const GiB = 2 ** 30;
      const calls = [
        () => new Webhook(SECRET).verify(huge, headers),
        () => new Verifier({ secret: SECRET }).verify(huge, headers),
        () => new Verifier({ secret: SECRET, maxPayloadBytes: 2 ** 32 - 1 }).verify(huge, headers),
        () => verify(huge, headers, { secret: SECRET }),
        () => verifyWebhook(huge.subarray(0, GiB + 1), headers, { secret: SECRET }),
      ];
      for (const call of calls) {
        let e;
        try {
          call();
        } catch (err) {
          e = err;
        }
        assert.ok(e instanceof WebhookVerificationError, `${e?.name}: ${e?.message}`);
        assert.equal(e.code, "payload_too_large");
        assert.ok(/^payload too large: (2147483648|1073741825) bytes, limit 1073741824$/.test(e.message), e.message);
      }
      assert.ok(ok(), "verifyWebhook after");
      assert.equal(new Verifier({ secret: SECRET }).verify("{}", headers, { now: 1_700_000_000 }).id, "msg_poison");
    });
  }

  test("unpoisonable: options inherited from Object.prototype are not the caller's (a polluted secrets adds no key)", () => {
    const { Verifier } = hookline;
    const ATTACKER = "whsec_YXR0YWNrZXItYXR0YWNrZXItYXR0YWNrZXItMTIzNDU=";
    const forged = signHeaders({ secret: ATTACKER, payload: "{}", id: "msg_poison", timestamp: 1_700_000_000 });
    const polluted = { secrets: [ATTACKER], publicKeys: ["whpk_AAAA"], scheme: "github", tolerance: 10 ** 9, now: 1_700_000_000, maxPayloadBytes: 1, jsonParse: false };
    const saved = Object.keys(polluted).map((n) => [n, Object.getOwnPropertyDescriptor(Object.prototype, n)]);
    Object.assign(Object.prototype, polluted);
    let results;
    try {
      const attempt = (call) => {
        try {
          return call();
        } catch (e) {
          return e;
        }
      };
      results = [
        attempt(() => new Verifier({ secret: SECRET }).verify("{}", forged, { now: 1_700_000_000 })),
        attempt(() => verifyWebhook("{}", forged, { secret: SECRET, now: 1_700_000_000 })),
        attempt(() => verify("{}", forged, { secret: SECRET, now: 1_700_000_000 })),
        attempt(() => {
          // Webhook.verify takes the clock: the signed time, for this call.
          const realNow = Date.now;
          Date.now = () => 1_700_000_000_000;
          try {
            return new Webhook(SECRET).verify("{}", forged);
          } finally {
            Date.now = realNow;
          }
        }),
        // The genuine delivery: the scheme, tolerance, now and limit are the caller's defaults.
        attempt(() => verify("{}", headers, { secret: SECRET })),
        // Options a class gives its instances are theirs.
        attempt(() => {
          class Options {
            get secret() {
              return SECRET;
            }
          }
          return verifyWebhook("{}", headers, Object.assign(new Options(), { now: 1_700_000_000 })).id;
        }),
      ];
    } finally {
      for (const [n, d] of saved) {
        if (d) Object.defineProperty(Object.prototype, n, d);
        else delete Object.prototype[n];
      }
    }
    for (const r of results.slice(0, 4)) assert.equal(r?.code, "no_matching_signature", `${r?.name}: ${r?.message}`);
    assert.equal(results[4]?.code, "timestamp_too_old", `${results[4]?.message}`);
    assert.equal(results[5], "msg_poison");
    assert.ok(ok());
  });

  test("unpoisonable: a receiver a getter frees during its own verify answers freed, never with the receiver that took its slot", () => {
    const { Verifier } = hookline;
    const OTHER = "whsec_YW5vdGhlci1rZXktYW5vdGhlci1rZXktYW5vdGhlciE=";
    const signed = signHeaders({ secret: OTHER, payload: "{}", id: "msg_poison", timestamp: 1_700_000_000 });
    for (const make of [() => new Webhook(SECRET), () => new Verifier({ secret: SECRET })]) {
      const mine = make();
      const others = [];
      const freeing = {
        ...signed,
        get "webhook-signature"() {
          mine.free();
          others.push(new Webhook(OTHER), new Verifier({ secret: OTHER }));
          return signed["webhook-signature"];
        },
      };
      let e;
      try {
        mine.verify("{}", freeing, { now: 1_700_000_000 });
      } catch (err) {
        e = err;
      }
      assert.ok(e instanceof TypeError || e instanceof HooklineError, `${e?.name}: ${e?.message ?? "verified with another receiver's key"}`);
      assert.equal(e.code, "invalid_argument");
      assert.equal(others[1].verify("{}", signed, { now: 1_700_000_000 }).id, "msg_poison", "the other receiver is its own");
      for (const o of others) o.free();
    }
    assert.ok(ok());
  });

  test("unpoisonable: the bytes verified are the bytes parsed, whatever the body's getters give the second time", () => {
    const { Verifier } = hookline;
    const signedBody = '{"amount":1}';
    const forgedBody = '{"amount":9}';
    const all = new TextEncoder().encode(signedBody + forgedBody);
    const h = headersFor(signedBody);
    for (const call of [(p) => new Webhook(SECRET).verify(p, h), (p) => new Verifier({ secret: SECRET }).verify(p, h).payload, (p) => verify(p, h, { secret: SECRET })]) {
      let reads = 0;
      class Shifting extends Uint8Array {
        get byteOffset() {
          return reads++ === 0 ? 0 : signedBody.length;
        }
      }
      const payload = new Shifting(all.buffer, 0, signedBody.length);
      const realNow = Date.now;
      Date.now = () => 1_700_000_000_000;
      let got;
      try {
        got = call(payload);
      } finally {
        Date.now = realNow;
      }
      assert.deepEqual(got, { amount: 1 });
    }
  });

  test("unpoisonable: a request body stream that gives no bytes is a typed invalid_payload", async () => {
    const streamOf = (...reads) => ({ getReader: () => ({ read: async () => reads.shift(), cancel: async () => {} }) });
    const requestHeaders = { get: (name) => headers[name] ?? null };
    for (const [name, body] of [
      ["read() resolving null", streamOf(null)],
      ["a number as a chunk", streamOf({ done: false, value: 2 ** 33 })],
      ["a string as a chunk", streamOf({ done: false, value: "1000" }, { done: true })],
    ]) {
      let e;
      try {
        await verifyRequest({ headers: requestHeaders, body }, { secret: SECRET, now: 1_700_000_000 });
      } catch (err) {
        e = err;
      }
      assert.ok(e instanceof WebhookVerificationError, `${name}: ${e?.name}: ${e?.message}`);
      assert.equal(e.code, "invalid_payload", name);
    }
    assert.ok(ok());
  });

  test("unpoisonable: setters on Object.prototype never run inside a call, and never poison the instance", () => {
    const { Verifier } = hookline;
    const signedN = headersFor('{"n":1}');
    const setter = new Error("a setter on Object.prototype ran");
    /** Calls `calls` with throwing setters for `names` on Object.prototype: what each did. */
    const withSetters = (names, calls) => {
      const saved = names.map((n) => [n, Object.getOwnPropertyDescriptor(Object.prototype, n)]);
      for (const n of names) Object.defineProperty(Object.prototype, n, { set() { throw setter; }, get() { return undefined; }, configurable: true });
      try {
        return calls.map((call) => {
          try {
            return call();
          } catch (e) {
            return e;
          }
        });
      } finally {
        for (const [n, d] of saved) {
          if (d) Object.defineProperty(Object.prototype, n, d);
          else delete Object.prototype[n];
        }
      }
    };
    // One setter, once (the hostile case of the issue).
    const once = withSetters(["payload"], [() => verifyWebhook('{"n":1}', signedN, { secret: SECRET, now: 1_700_000_000 })]);
    // Afterwards, the same instance: before, that one setter left verifyWebhook, new Verifier
    // and signHeaders of `hookline` throwing "RuntimeError: unreachable" for good.
    assert.ok(ok(), "verifyWebhook after");
    assert.equal(new Verifier({ secret: SECRET }).verify("{}", headers, { now: 1_700_000_000 }).id, "msg_poison");
    assert.deepEqual(signHeaders({ secret: SECRET, payload: "{}", id: "msg_poison", timestamp: 1_700_000_000 }), headers);
    // While setters were there, every call answered as usual: results and errors have own properties.
    const names = ["payload", "scheme", "keyIndex", "keyId", "id", "timestamp", "eventType", "body", "code", "hint", "cause",
      "webhook-id", "webhook-timestamp", "webhook-signature", "secretKey", "publicKey"];
    const [detailed, viaVerifier, signed, refused] = [
      ...once,
      ...withSetters(names, [
        () => new Verifier({ secret: SECRET }).verify('{"n":1}', signedN, { now: 1_700_000_000 }),
        () => signHeaders({ secret: SECRET, payload: "{}", id: "msg_poison", timestamp: 1_700_000_000 }),
        () => verify("{}", {}, { secret: SECRET }),
      ]),
    ];
    for (const r of [detailed, viaVerifier]) {
      assert.ok(!(r instanceof Error), `${r?.name}: ${r?.message}`);
      assert.deepEqual([r.scheme, r.keyId, r.id, r.timestamp, r.payload], ["standard-webhooks", "secret", "msg_poison", 1_700_000_000, { n: 1 }]);
      assert.ok(Object.hasOwn(r, "payload") && Object.hasOwn(r, "id"), "own properties");
    }
    assert.deepEqual(signed, headers);
    assert.ok(refused instanceof WebhookVerificationError && Object.hasOwn(refused, "code") && refused.code === "unknown_scheme", `${refused?.code}`);
    assert.ok(ok());
  });

  test("re-entrant getters: a getter that calls back into the package gets its answer, and so does the call it is in", async () => {
    const { Verifier } = hookline;
    const inner = [];
    const reenter = () => {
      inner.push(verifyWebhook("{}", headers, { secret: SECRET, now: 1_700_000_000 }).id);
      inner.push(new Verifier({ secrets: [SECRET, SECRET] }).verify("{}", headers, { now: 1_700_000_000 }).keyIndex);
      inner.push(signHeaders({ secret: SECRET, payload: "{}", id: "msg_inner", timestamp: 1_700_000_000 })["webhook-id"]);
    };
    const options = () => ({
      get secret() {
        reenter();
        return SECRET;
      },
      now: 1_700_000_000,
    });
    const reentrantHeaders = {
      ...headers,
      get "webhook-signature"() {
        reenter();
        return headers["webhook-signature"];
      },
    };
    const outcomes = [];
    for (const call of [
      () => verifyWebhook("{}", headers, options()).id,
      () => verify("{}", reentrantHeaders, { secret: SECRET, now: 1_700_000_000, jsonParse: false }),
      () => new Verifier(options()).verify("{}", reentrantHeaders, { now: 1_700_000_000 }).id,
      () => new Webhook(SECRET).verify("{}", reentrantHeaders),
      () => signHeaders({ ...options(), payload: "{}", id: "msg_outer", timestamp: 1_700_000_000 })["webhook-id"],
      () => verifyRequest(new Request("https://r.example/", { method: "POST", headers, body: "{}" }), options()).then((r) => r.id),
    ]) {
      try {
        outcomes.push(await call());
      } catch (e) {
        outcomes.push(e.code ?? `${e.name}: ${e.message}`);
      }
    }
    assert.deepEqual(outcomes.slice(0, 3), ["msg_poison", undefined, "msg_poison"]);
    // (Signed at 1_700_000_000: the Webhook's own clock says it is too old; it must say so, not trap.)
    assert.equal(outcomes[3], "timestamp_too_old");
    assert.deepEqual(outcomes.slice(4), ["msg_outer", "msg_poison"]);
    assert.ok(inner.length >= 15, `${inner.length} inner calls`);
    for (let i = 0; i < inner.length; i += 3) assert.deepEqual(inner.slice(i, i + 3), ["msg_poison", 0, "msg_inner"]);
    assert.ok(ok());
  });

  test("unpoisonable: verifyRequest settles whatever the request's body or getters do", async () => {
    const requests = [
      { headers: new Headers(headers), bodyUsed: false, arrayBuffer: boom },
      { headers: new Headers(headers), bodyUsed: false, arrayBuffer: () => Promise.reject(mine) },
      { get headers() { throw mine; }, bodyUsed: false, arrayBuffer: async () => new TextEncoder().encode("{}").buffer },
      { headers: new Proxy({}, { ownKeys: boom }), bodyUsed: false, arrayBuffer: async () => new TextEncoder().encode("{}").buffer },
      { headers: new Headers(headers), get bodyUsed() { throw mine; }, arrayBuffer: async () => new ArrayBuffer(0) },
    ];
    for (let round = 0; round < 200; round++) {
      for (const [i, request] of requests.entries()) {
        const settled = await verifyRequest(request, { secret: SECRET, now: 1_700_000_000 }).then(() => "resolved", (e) => e);
        assert.ok(settled === mine || typeof settled?.code === "string", `request ${i}: ${settled?.message ?? settled}`);
      }
    }
    assert.ok(ok());
    assert.ok(!(new Error("x") instanceof WebhookVerificationError));
  });

  test("limits before copying: a body over maxPayloadBytes is refused before it enters wasm memory", () => {
    const before = hookline.wasmMemoryBytes();
    const big = new Uint8Array(20 * 1024 * 1024);
    const text = "x".repeat(20 * 1024 * 1024);
    for (const body of [big, big.buffer, text]) {
      assert.throws(() => verify(body, headers, { secret: SECRET, maxPayloadBytes: 1024 }), "payload_too_large");
      assert.throws(() => new hookline.Verifier({ secret: SECRET, maxPayloadBytes: 1024 }).verify(body, headers), "payload_too_large");
    }
    assert.ok(hookline.wasmMemoryBytes() - before < 4 * 1024 * 1024, `wasm memory grew by ${hookline.wasmMemoryBytes() - before} bytes`);
  });

  test("limits before copying: verifyRequest stops reading a body at the limit (default 25 MiB) and settles", async () => {
    let pulled = 0;
    const endless = () => ({
      headers: new Headers(headers),
      bodyUsed: false,
      body: new ReadableStream({
        pull(c) {
          pulled += 65536;
          c.enqueue(new Uint8Array(65536));
        },
      }),
    });
    const limited = await verifyRequest(endless(), { secret: SECRET, now: 1_700_000_000, maxPayloadBytes: 100_000 }).catch((e) => e);
    assert.equal(limited.code, "payload_too_large");
    assert.ok(pulled <= 100_000 + 3 * 65536, `read ${pulled} bytes for a 100,000-byte limit`);
    pulled = 0;
    const byDefault = await verifyRequest(endless(), { secret: SECRET, now: 1_700_000_000 }).catch((e) => e);
    assert.equal(byDefault.code, "payload_too_large");
    assert.ok(pulled <= 25 * 1024 * 1024 + 3 * 65536, `read ${pulled} bytes by default`);
    const declared = { headers: new Headers({ ...headers, "content-length": "999999999" }), bodyUsed: false, arrayBuffer: () => Promise.reject(new Error("never read")) };
    assert.equal((await verifyRequest(declared, { secret: SECRET, now: 1_700_000_000 }).catch((e) => e)).code, "payload_too_large", "a declared length over the limit is refused unread");
    const fine = await verifyRequest(new Request("https://r.example/", { method: "POST", headers, body: "{}" }), { secret: SECRET, now: 1_700_000_000 });
    assert.equal(fine.id, "msg_poison");
  });
}
