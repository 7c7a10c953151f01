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

  test("every sender export throws a SenderError (never a WebhookVerificationError) for a bad value", () => {
    const { SenderError, WebhookVerificationError } = hookline;
    const bad = { disableAfterMs: -1 };
    // One mistake per sender export: a value of the right JS type that the core refuses.
    const calls = {
      DeliveryEndpoint: () => new hookline.DeliveryEndpoint({ url: "https://example.com/", secret: "whsec_!!" }),
      EnvelopeBuilder: () => new hookline.EnvelopeBuilder({ idPrefix: "bad prefix!" }),
      HealthTracker: () => new hookline.HealthTracker(undefined, { policy: bad }),
      Matcher: () => new hookline.Matcher([{ id: "a", eventTypes: ["bad type!"] }]),
      RetryPlanner: () => new hookline.RetryPlanner({ schedule: [] }),
      beginProbe: () => hookline.beginProbe(undefined, { policy: bad }),
      buildEnvelope: () => hookline.buildEnvelope({ type: "bad type!", data: {} }),
      checkAddress: () => hookline.checkAddress("127.0.0.1"),
      checkLease: () => hookline.checkLease(10_000, 15_000),
      checkOrderingPolicy: () => hookline.checkOrderingPolicy({ maxBlockMs: -1 }),
      checkRateLimit: () => hookline.checkRateLimit({ rateLimit: 0 }),
      checkResolved: () => hookline.checkResolved("hooks.example.com", "10.0.0.1"),
      checkTarget: () => hookline.checkTarget("http://127.0.0.1/"),
      classifyOutcome: () => hookline.classifyOutcome({ schedule: [] }, { kind: "timeout" }),
      createDispatcher: () => hookline.createDispatcher({ retry: { schedule: [] } }),
      disableEndpoint: () => hookline.disableEndpoint(undefined, "", { policy: bad }),
      enableEndpoint: () => hookline.enableEndpoint({ state: "bogus" }),
      endpointAdmission: () => hookline.endpointAdmission(undefined, { policy: bad }),
      endpointChange: () => hookline.endpointChange(undefined, { enabled: "yes" }, { now: 0 }),
      endpointStatus: () => hookline.endpointStatus({ state: "bogus" }),
      endpointHealth: () => hookline.endpointHealth({ consecutiveFailures: -1 }),
      endpointEvent: () => hookline.endpointEvent(undefined, undefined, { policy: bad }),
      readiness: () => hookline.readiness({ nowMs: 0, database: true }, { lateAfterMs: 0 }),
      traceChild: () => hookline.traceChild("00-not-a-traceparent", new Uint8Array(8)),
      eventId: () => hookline.eventId("bad prefix!"),
      matchSubscriptions: () => hookline.matchSubscriptions({ type: "a.b" }, [{ id: "a", eventTypes: ["bad type!"] }]),
      nextAttempt: () => hookline.nextAttempt({ schedule: [] }, 1, { kind: "timeout" }),
      nextWait: () => hookline.nextWait(1, 0, 0),
      orderedAttempt: () => hookline.orderedAttempt({ outcome: "retry" }, 0, 0),
      orderingKeyFor: () => hookline.orderingKeyFor(true, ""),
      parseRetryAfter: () => hookline.parseRetryAfter("1", { now: NaN }),
      recordAttempt: () => hookline.recordAttempt(undefined, { kind: "delivered" }, { policy: bad }),
      retrySchedule: () => hookline.retrySchedule({ schedule: [] }),
      throttleAdmit: () => hookline.throttleAdmit({ rateLimit: 10, rateLimitBurst: 0 }, {}, 0, 60_000, []),
      throttleObserve: () => hookline.throttleObserve({}, { status: 1000 }, 0, 0),
      throttlePace: () => hookline.throttlePace({ intervalMs: 100, toleranceMs: 0 }, {}, Number.NaN),
      throttleReset: () => hookline.throttleReset(Number.POSITIVE_INFINITY),
      unstartedAttempt: () => hookline.unstartedAttempt({ schedule: [] }, 1, "worker_lost", 0, 0),
      supportQuery: () => hookline.supportQuery("attempts", [["status", "bogus"]]),
      cancelDelivery: () => hookline.cancelDelivery({ state: "delivered" }, 0),
      recoveryPlan: () => hookline.recoveryPlan({ since: "last tuesday" }),
      TenantTokens: () => new hookline.TenantTokens("short"),
      validateEventType: () => hookline.validateEventType("bad type!"),
      validateEventTypePattern: () => hookline.validateEventTypePattern("a..b"),
    };
    // Every other export is the receiver's or the signer's: a new export must be listed in one.
    const receiverOrSigning = ["Signer", "Verifier", "Webhook", "generateKeyPair", "generateSecret", "generateTestHeaderString", "publicKeyFromSecretKey", "signHeaders", "verify", "verifyRequest", "verifyWebhook", "wasmMemoryBytes"];
    // traceparent throws for no string: an invalid header is ignored (null), as W3C Trace Context asks.
    const ignoring = { traceparent: () => hookline.traceparent("00-not-a-traceparent") };
    const unlisted = Object.keys(hookline).filter((k) => typeof hookline[k] === "function" && !/Error$/.test(k) && !k.startsWith("__") && !(k in calls) && !(k in ignoring) && !receiverOrSigning.includes(k));
    assert.deepEqual(unlisted, [], "exports neither in the sender's table nor the receiver's list");
    for (const [name, call] of Object.entries(ignoring)) assert.equal(call(), null, name);
    for (const [name, call] of Object.entries(calls)) {
      const e = assert.throws(call, undefined, SenderError, name);
      assert.ok(!(e instanceof WebhookVerificationError) && e instanceof hookline.HooklineError, name);
      assert.ok(typeof e.code === "string" && e.name === "SenderError", `${name}: ${e.code} ${e.name}`);
    }
  });

  test("EnvelopeBuilder gives buildEnvelope's answer for every envelope vector", () => {
    for (const c of vectors.envelope.cases) {
      const { now, random, ...prepared } = c.options ?? {};
      const run = () => new hookline.EnvelopeBuilder(prepared).build(c.input, { now: c.nowMs, random: hexToBytes(c.random) });
      if (c.expect.error) assert.throws(run, c.expect.error, undefined, c.name);
      else {
        const e = run();
        assert.equal(e.id, c.expect.id, c.name);
        assert.equal(decode(e.body), c.expect.body, c.name);
        const f = buildEnvelope(c.input, { ...c.options, now: c.nowMs, random: hexToBytes(c.random) });
        assert.deepEqual({ ...e, body: decode(e.body) }, { ...f, body: decode(f.body) }, c.name);
      }
    }
    assert.throws(() => new hookline.EnvelopeBuilder({ idPrefix: "bad prefix!" }), undefined, Error);
  });

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

  const { nextAttempt, classifyOutcome, retrySchedule, parseRetryAfter } = hookline;
  const retry = vectors.retry;
  for (const c of retry.schedules) {
    test(`retry schedule vector: ${c.name}`, () => {
      if (c.error) assert.throws(() => retrySchedule(c.policy), c.error, HooklineError);
      else assert.deepEqual(retrySchedule(c.policy), c.offsets);
    });
  }
  for (const c of retry.classification) {
    test(`retry classification vector: ${c.name}`, () => {
      if (c.error) assert.throws(() => classifyOutcome(c.outcome, c.policy), c.error);
      else assert.deepEqual(classifyOutcome(c.outcome, c.policy), c.expect);
    });
  }
  for (const c of retry.decisions) {
    test(`retry decision vector: ${c.name}`, () => {
      const run = () => nextAttempt(c.policy, c.attemptNumber, c.outcome, { now: c.nowMs, rand: c.rand });
      if (c.error) assert.throws(run, c.error);
      else assert.deepEqual(run(), c.expect);
    });
  }
  test("RetryPlanner gives nextAttempt's answer for every decision vector", () => {
    for (const c of retry.decisions) {
      const run = () => new hookline.RetryPlanner(c.policy).next(c.attemptNumber, c.outcome, { now: c.nowMs, rand: c.rand });
      if (c.error) assert.throws(run, c.error, undefined, c.name);
      else assert.deepEqual(run(), c.expect, c.name);
    }
    assert.equal(new hookline.RetryPlanner("standard-webhooks").attempts, retrySchedule("standard-webhooks").length);
    assert.throws(() => new hookline.RetryPlanner({ preset: "nope" }), undefined, hookline.SenderError);
  });
  for (const c of retry.retryAfter) {
    test(`Retry-After vector: ${c.name}`, () => {
      assert.equal(parseRetryAfter(c.value, { now: c.nowMs }), c.expectMs ?? undefined);
    });
  }
  test("retry: misspelt or contradictory JSON is refused, not guessed", () => {
    // A policy of the wrong shape is a policy that cannot be applied: invalid_policy (errors.md).
    for (const c of retry.rejectedJson.filter((r) => r.type === "policy")) {
      assert.throws(() => retrySchedule(c.json), "invalid_policy", hookline.SenderError, c.name);
    }
    for (const c of retry.rejectedJson.filter((r) => r.type === "outcome")) {
      assert.throws(() => classifyOutcome(c.json), "invalid_argument", hookline.SenderError, c.name);
    }
    assert.deepEqual(retrySchedule("svix"), retrySchedule({ preset: "svix" }));
    const d = nextAttempt("svix", 1, { kind: "timeout" });
    assert.equal(d.kind, "retry");
    assert.ok(Math.abs(d.atMs - Date.now() - 5000) < 2000, "default clock is now");
  });

  // ---- SSRF ----------------------------------------------------------------------------------
  const { checkTarget, checkAddress } = hookline;
  for (const c of vectors.ssrf.cases) {
    test(`ssrf vector: ${c.name}`, () => {
      // This runtime's own URL parser reads the URL; where it refuses it, the guard says invalid_url.
      const expect = c.parts === null ? { error: "invalid_url" } : c.expect;
      const run = () => checkTarget(c.url, c.options);
      if (expect.error) {
        const e = assert.throws(run, expect.error, HooklineError);
        if (expect.reason && c.parts !== null) assert.ok(e.message.endsWith(expect.reason), `${e.message} / ${expect.reason}`);
      } else {
        const t = run();
        assert.deepEqual([t.hostKind, t.host, t.port, t.allowListed], [expect.hostKind, expect.host, expect.port, expect.allowListed]);
      }
    });
  }

  test("ssrf: every form of 127.0.0.1, 10/8, 169.254.169.254 and ::1 that new URL() accepts is refused", () => {
    const forms = [...ipv4Forms([127, 0, 0, 1]), ...ipv4Forms([10, 0, 0, 1]), ...ipv4Forms([10, 255, 3, 7]), ...ipv4Forms([169, 254, 169, 254])];
    for (const v4 of [[127, 0, 0, 1], [10, 1, 2, 3], [169, 254, 169, 254]]) forms.push(...ipv6Embeddings(v4));
    forms.push(...loopback6Forms());
    const targets = new Set(["127.0.0.1", "10.0.0.1", "10.255.3.7", "169.254.169.254"]);
    let parsed = 0;
    for (const host of forms) {
      for (const scheme of ["http", "https"]) {
        let url;
        try {
          url = new URL(`${scheme}://${host}/hook`);
        } catch {
          continue;
        }
        // A spelling that names another address (010 is octal 8) is not a form of this one.
        if (!host.startsWith("[") && !targets.has(url.hostname)) continue;
        parsed++;
        const e = assert.throws(() => checkTarget(url), undefined, HooklineError, host);
        assert.ok(e.code === "target_not_allowed", `${host} -> ${url.hostname}: ${e.code} ${e.message}`);
        assert.throws(() => checkTarget(url.href), "target_not_allowed", HooklineError, host);
      }
    }
    assert.ok(parsed > 300, `only ${parsed} forms parsed`);
  });

  test("ssrf: options, resolved addresses and bad input", () => {
    assert.equal(checkTarget("https://hooks.example.com/x").hostKind, "domain");
    assert.throws(() => checkTarget("http://hooks.example.com/x", { httpsOnly: true }), "target_not_allowed");
    assert.equal(checkTarget("http://127.0.0.1:8787/", { allow: ["127.0.0.1"] }).allowListed, true);
    assert.throws(() => checkTarget("http://user:pw@example.com/"), "target_not_allowed");
    assert.throws(() => checkTarget("not a url"), "invalid_url");
    assert.throws(() => checkTarget(42), "invalid_argument", TypeError);
    assert.throws(() => checkTarget("https://example.com", { allow: "x" }), "invalid_argument", hookline.SenderError);
    checkAddress("93.184.216.34");
    for (const a of ["127.0.0.1", "10.0.0.8", "169.254.169.254", "::1", "[::ffff:10.0.0.1]", "fd00:ec2::254"]) {
      assert.throws(() => checkAddress(a), "target_not_allowed", HooklineError, a);
    }
    assert.throws(() => checkAddress("localhost"), "invalid_url");
  });

  // ---- Matching --------------------------------------------------------------------------------
  const { Matcher, matchSubscriptions } = hookline;
  for (const c of vectors.matching.cases) {
    test(`matching vector: ${c.name}`, () => {
      if (c.error) {
        if (c.errorIndex !== undefined) {
          const e = assert.throws(() => new Matcher(c.subscriptions), c.error, HooklineError);
          assert.equal(e.index, c.errorIndex);
          const lenient = new Matcher(c.subscriptions, { lenient: true });
          assert.ok(lenient.errors.some((x) => x.index === c.errorIndex && x.code === c.error));
        } else {
          assert.throws(() => new Matcher(c.subscriptions).match(c.event), c.error, HooklineError);
        }
        return;
      }
      const got = new Matcher(c.subscriptions).match(c.event);
      assert.deepEqual(got.map((s) => s.id), c.expect);
      assert.deepEqual(matchSubscriptions(c.event, c.subscriptions).map((s) => s.id), c.expect);
      // The objects returned are the caller's own records.
      for (const s of got) assert.ok(c.subscriptions.includes(s));
    });
  }

  test("matching: 10,000 subscriptions, an index built once, the same answers as a plain filter", () => {
    const types = ["invoice.paid", "invoice.failed", "customer.created", "order.line.shipped", "order.created"];
    const subs = [];
    for (let i = 0; i < 10000; i++) {
      const pick = i % 7;
      subs.push({
        id: `s${i}`,
        url: `https://h${i}.example.com/`,
        enabled: i % 13 !== 0,
        tenant: i % 5 === 0 ? undefined : `t${i % 50}`,
        eventTypes: pick === 0 ? [] : pick === 1 ? ["invoice.*"] : pick === 2 ? ["order.*.shipped"] : pick === 3 ? ["*"] : [types[i % types.length]],
        channels: i % 11 === 0 ? ["eu"] : [],
      });
    }
    const m = new Matcher(subs);
    assert.equal(m.size, 10000);
    const glob = (p, t) => {
      if (p === "*") return true;
      const ps = p.split("."), ts = t.split(".");
      if (ps[ps.length - 1] === "*" && ps.length > 1) {
        return ts.length >= ps.length && ps.slice(0, -1).every((x, i) => x === "*" || x === ts[i]);
      }
      return ps.length === ts.length && ps.every((x, i) => x === "*" || x === ts[i]);
    };
    for (const ev of [{ type: "invoice.paid", tenant: "t7" }, { type: "order.line.shipped", tenant: "t10", channels: ["eu"] }, { type: "customer.created" }]) {
      const expected = subs.filter((s) => s.enabled !== false && (s.tenant === undefined || s.tenant === ev.tenant)
        && (s.eventTypes.length === 0 || s.eventTypes.some((p) => glob(p, ev.type)))
        && (s.channels.length === 0 || s.channels.some((c) => (ev.channels ?? []).includes(c)))).map((s) => s.id);
      assert.deepEqual(m.match(ev).map((s) => s.id), expected, ev.type);
    }
  });

  // ---- Health ----------------------------------------------------------------------------------
  const { recordAttempt, endpointAdmission, beginProbe, enableEndpoint, disableEndpoint } = hookline;
  const partial = (actual, expected, path) => {
    for (const [k, v] of Object.entries(expected)) {
      if (k === "admission" || k === "event") continue;
      if (v && typeof v === "object" && !Array.isArray(v)) partial(actual?.[k] ?? {}, v, `${path}.${k}`);
      else assert.deepEqual(actual?.[k] ?? null, v, `${path}.${k}:`);
    }
  };
  for (const seq of vectors.health.sequences) {
    test(`health vector: ${seq.name}`, () => {
      let state = hookline.endpointHealth(seq.initial);
      const options = (nowMs) => ({ policy: seq.policy, now: nowMs });
      for (const [i, step] of seq.steps.entries()) {
        const run = () => {
          if (step.result) return recordAttempt(state, step.result, options(step.nowMs));
          if (step.action === "beginProbe") return beginProbe(state, options(step.nowMs));
          if (step.action === "enable") return enableEndpoint(state);
          if (step.action === "disable") return disableEndpoint(state, step.reason, { now: step.nowMs });
          return state;
        };
        if (step.expectError) {
          assert.throws(run, step.expectError, HooklineError, `step ${i}`);
          continue;
        }
        const before = state;
        state = run();
        if (step.expect) {
          partial(state, step.expect, `step ${i}`);
          if (step.expect.admission) assert.deepEqual(endpointAdmission(state, options(step.nowMs)), step.expect.admission, `step ${i} admission:`);
          if (step.expect.event !== undefined) assert.deepEqual(hookline.endpointEvent(before, state, options(step.nowMs)), step.expect.event, `step ${i} event:`);
        }
      }
    });
  }
  test("HealthTracker follows every health vector step for step with the functions", () => {
    for (const seq of vectors.health.sequences) {
      let state = hookline.endpointHealth(seq.initial);
      let tracker = new hookline.HealthTracker(seq.initial, { policy: seq.policy });
      for (const [i, step] of seq.steps.entries()) {
        const where = `${seq.name} step ${i}`;
        const options = { policy: seq.policy, now: step.nowMs };
        try {
          if (step.result) {
            state = recordAttempt(state, step.result, options);
            tracker.record(step.result, { now: step.nowMs });
          } else if (step.action === "beginProbe") {
            state = beginProbe(state, options);
            tracker.beginProbe({ now: step.nowMs });
          } else if (step.action === "enable" || step.action === "disable") {
            state = step.action === "enable" ? enableEndpoint(state) : disableEndpoint(state, step.reason, { now: step.nowMs });
            tracker.free();
            tracker = new hookline.HealthTracker(state, { policy: seq.policy });
          }
        } catch (e) {
          assert.equal(e.code, step.expectError, where);
          continue;
        }
        assert.deepEqual(tracker.state, state, where);
        assert.deepEqual(JSON.parse(JSON.stringify(tracker)), state, where);
        assert.deepEqual(tracker.admission({ now: step.nowMs }), endpointAdmission(state, options), where);
      }
      tracker.free();
    }
  });

  test("health: policy validation", () => {
    for (const p of vectors.health.policies) {
      const run = () => endpointAdmission(undefined, { policy: p.policy, now: 0 });
      if (p.error) assert.throws(run, undefined, Error, p.name);
      else assert.deepEqual(run(), { kind: "allow" }, p.name);
    }
  });

  test("validateEventType throws with a code", () => {
    validateEventType("invoice.paid");
    assert.throws(() => validateEventType("invoice..paid"), "invalid_event_type", HooklineError);
    assert.throws(() => validateEventType(42), "invalid_argument", TypeError);
    assert.throws(() => buildEnvelope({ type: "a", data: {}, bogus: 1 }), "invalid_argument", hookline.SenderError);
  });
}

/** Spellings of an IPv4 address that WHATWG URL parsing may accept: number forms per part. */
function ipv4Forms([a, b, c, d]) {
  const n = ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
  const spell = (x) => [String(x), `0x${x.toString(16)}`, `0X${x.toString(16).toUpperCase()}`, `0${x.toString(8)}`, `00${x.toString(8)}`, `0x0${x.toString(16)}`];
  const out = new Set();
  for (const w of spell(a)) for (const x of spell(b)) out.add(`${w}.${x}.${c}.${d}`);
  for (const y of spell(c)) for (const z of spell(d)) out.add(`${a}.${b}.${y}.${z}`);
  for (const f of spell(n)) out.add(f);
  for (const w of spell(a)) for (const rest of spell((b << 16) + (c << 8) + d)) out.add(`${w}.${rest}`);
  for (const w of spell(a)) for (const x of spell(b)) for (const rest of spell((c << 8) + d)) out.add(`${w}.${x}.${rest}`);
  for (const f of [...out]) out.add(`${f}.`);
  out.add(`${a}.${b}.${c}.${d}`.split(".").map((p) => p.padStart(3, "0")).join("."));
  return [...out];
}

/** An IPv4 address inside IPv6: mapped, compatible, NAT64 and 6to4. */
function ipv6Embeddings([a, b, c, d]) {
  const hi = ((a << 8) | b).toString(16), lo = ((c << 8) | d).toString(16);
  const dotted = `${a}.${b}.${c}.${d}`;
  return [`[::ffff:${dotted}]`, `[::ffff:${hi}:${lo}]`, `[0:0:0:0:0:ffff:${hi}:${lo}]`, `[::FFFF:${dotted}]`, `[::${dotted}]`, `[64:ff9b::${dotted}]`, `[64:ff9b::${hi}:${lo}]`, `[2002:${hi}:${lo}::]`, `[2002:${hi}:${lo}::1]`, `[::ffff:0:${dotted}]`];
}

function loopback6Forms() {
  return ["[::1]", "[0:0:0:0:0:0:0:1]", "[0000:0000:0000:0000:0000:0000:0000:0001]", "[::0:1]", "[0::1]", "[::0001]", "[0:0::0:0:1]", "[::0.0.0.1]", "[::ffff:127.0.0.1]", "[::1]:80", "[::1]:8080"];
}
