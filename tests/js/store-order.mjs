// Throttled and ordered delivery (issue 28), run by store.mjs inside `contract()` on PGlite, D1
// and PostgreSQL alike, plus `hookline serve` on PostgreSQL (two processes, one killed with
// SIGKILL). Every test here fails on the store before it: endpoints had no `rateLimit`,
// `rateLimitBurst` or `ordered` (refused as unknown fields), publish no `orderingKey`, and
// deliveries went out as claimed (20 events to one endpoint arrived 1, 6, 5, 2, ...).
//
// The timed tests run on the real clock (a store and workers of their own, an injected fetch
// that records when each request arrived); the others on the contract's clock, stepped by hand.
import * as hookline from "hookline";
import { createManagementApi } from "hookline/store";
import { createServer as createHttpServer } from "node:http";
import pg from "pg";
import { assert } from "./harness.mjs";

const { createDispatcher, SenderError } = hookline;
const URL_BASE = "https://hooks.example.com";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `ok()` holds, or rejects after `ms` naming `what` (never hangs a test). */
async function until(what, ok, ms) {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(20);
  }
}

/**
 * An injected fetch that keeps every request (`{ path, eventId, at, ok }`) and answers
 * `answer(path, body, n)` (`n`: how many requests this event has had before; default 204) after
 * `delay(path)` ms; it counts the requests in flight per path.
 */
function recorder({ answer = () => 204, delay = () => 0 } = {}) {
  const seen = [];
  const tries = new Map();
  const inFlight = new Map();
  const most = new Map();
  const fetch = async (url, init) => {
    const path = new URL(url).pathname;
    const body = JSON.parse(init.body);
    inFlight.set(path, (inFlight.get(path) ?? 0) + 1);
    most.set(path, Math.max(most.get(path) ?? 0, inFlight.get(path)));
    const at = Date.now();
    const n = tries.get(body.id) ?? 0;
    tries.set(body.id, n + 1);
    const status = answer(path, body, n);
    try {
      await sleep(delay(path));
    } finally {
      inFlight.set(path, inFlight.get(path) - 1);
    }
    seen.push({ path, eventId: body.id, n: body.data?.n, key: body.data?.key, at, ok: status < 300 });
    return new Response(null, status === 429 ? { status, headers: { "retry-after": "2" } } : { status });
  };
  return { fetch, seen, to: (path) => seen.filter((s) => s.path === path), most: (path) => most.get(path) ?? 0 };
}

/** The most sends in any window of `ms` (each window starting at a send). */
function busiest(times, ms = 1000) {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (j < sorted.length && sorted[j] < sorted[i] + ms) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

/**
 * The rate a throttled endpoint held: `(sends - burst) / seconds from its first send to its last`
 * (the burst goes at once), and its busiest second.
 */
function rateOf(times, burst) {
  const sorted = [...times].sort((a, b) => a - b);
  return { perSecond: (sorted.length - burst) / ((sorted.at(-1) - sorted[0]) / 1000), busiest: busiest(sorted) };
}

/** The event numbers of the requests an ordered endpoint accepted, in arrival order. */
const acceptedOrder = (records) => records.filter((r) => r.ok).map((r) => r.n);
const range = (n) => Array.from({ length: n }, (_, i) => i);

/** The contract tests: `test`, the database's `name`, `made` (a store), `open` (a database), the contract's clock. */
export function orderTests({ test, name, made, open, clock, advance, rawRows, createStore, KEY }) {
  const realStore = async (extra = {}) => {
    const store = await createStore({ db: await open(), encryptionKey: KEY, maxEndpointsPerOwner: 20, ssrf: false, ...extra });
    await store.migrate();
    return store;
  };
  const worker = (store, fetch, options = {}, dispatcherOptions = {}) =>
    store.startWorker(createDispatcher({ retries: "none", resolveKeys: store.keysFor, ssrf: false, fetch, concurrency: 16, ...dispatcherOptions }), { concurrency: 16, idleMs: 50, leaseMs: 30_000, ...options });

  // On the contract's clock, stepped 100 ms at a time: every database, the store's SQL alone.
  test(`${name}: rate limit, stepped clock: 10/s with a burst of 2 over 40 events, one and two workers, an unthrottled endpoint beside it at once`, async () => {
    for (const workers of [1, 2]) {
      const { store } = await made({ maxEndpointsPerOwner: 10 });
      await store.migrate();
      await store.createEndpoint("step", { url: `${URL_BASE}/slow`, eventTypes: ["slow.*"], rateLimit: 10, rateLimitBurst: 2 });
      await store.createEndpoint("step", { url: `${URL_BASE}/free`, eventTypes: ["free.*"] });
      await store.createEndpoint("step", { url: `${URL_BASE}/o`, eventTypes: ["fifo.*"], ordered: true });
      const sent = [];
      const d = createDispatcher({
        retries: "none",
        clock,
        resolveKeys: store.keysFor,
        ssrf: false,
        fetch: async (url, init) => (sent.push({ path: new URL(url).pathname, n: JSON.parse(init.body).data.n, at: clock() }), new Response(null, { status: 204 })),
      });
      for (let n = 0; n < 40; n++) {
        await store.publish("step", { type: "slow.x", data: { n } });
        await store.publish("step", { type: "free.x", data: { n } });
        if (n < 20) await store.publish("step", { type: "fifo.x", data: { n } });
      }
      const start = clock();
      // A lease of 1 ms: no start is given ahead (the clock moves only by hand); two workers
      // claim at once.
      for (let i = 0; i < 60 && sent.length < 100; i++) {
        await Promise.all(Array.from({ length: workers }, () => store.deliverDue(d, { leaseMs: 1, limit: 64 })));
        advance(100);
      }
      const at = (path) => sent.filter((s) => s.path === path).map((s) => s.at - start);
      const slow = at("/slow");
      assert.equal(slow.length, 40, `${workers} worker(s): each throttled delivery once`);
      const { perSecond, busiest: most } = rateOf(slow, 2);
      assert.ok(Math.abs(perSecond - 10) < 0.5 && most <= 12, `${workers} worker(s): ${perSecond.toFixed(2)}/s, ${most} in the busiest second`);
      assert.ok(Math.max(...at("/free")) <= 500, `${workers} worker(s): the free endpoint done at ${Math.max(...at("/free"))} ms`);
      assert.deepEqual(sent.filter((s) => s.path === "/o").map((s) => s.n), range(20), `${workers} worker(s): ordered`);
    }
  });

  // On the real clock. Not on D1 here: Miniflare's Node binding prepares each statement with a
  // synchronous call (measured: 9 ms a statement, the event loop blocked up to 156 ms), so a
  // worker's timers in this process measure the binding; the stepped test above covers D1.
  if (name !== "d1") test(`${name}: rate limit: 10/s over 40 events holds within ±20 % (no second over rate + burst) while an unthrottled endpoint beside it finishes at full speed`, async () => {
    const store = await realStore();
    await store.createEndpoint("rate", { url: `${URL_BASE}/slow`, eventTypes: ["slow.*"], rateLimit: 10, rateLimitBurst: 2 });
    await store.createEndpoint("rate", { url: `${URL_BASE}/free`, eventTypes: ["free.*"] });
    const r = recorder({ delay: () => 5 });
    for (let n = 0; n < 40; n++) {
      await store.publish("rate", { type: "slow.x", data: { n } });
      await store.publish("rate", { type: "free.x", data: { n } });
    }
    const w = worker(store, r.fetch);
    try {
      await until("80 deliveries", () => r.seen.length >= 80, 20_000);
    } finally {
      await w.stop();
    }
    const slow = r.to("/slow").map((s) => s.at);
    const free = r.to("/free").map((s) => s.at);
    assert.deepEqual([slow.length, free.length], [40, 40], "each delivery once");
    const { perSecond, busiest: most } = rateOf(slow, 2);
    assert.ok(perSecond >= 8 && perSecond <= 12, `the throttled endpoint's rate: ${perSecond.toFixed(2)}/s (10 ± 20 %)`);
    assert.ok(most <= 12, `a second with ${most} deliveries to the throttled endpoint (rate 10 + burst 2)`);
    const twentieth = [...slow].sort((a, b) => a - b)[19];
    assert.ok(Math.max(...free) < twentieth, `the free endpoint finished ${Math.max(...free) - Math.min(...slow)} ms in, after the throttled one's 20th (${twentieth - Math.min(...slow)} ms)`);
  });

  // A throttled endpoint's deliveries wait for their starts (up to a second) after their claim:
  // disabling or deleting the endpoint meanwhile ends them, as it ends those not claimed.
  if (name !== "d1") test(`${name}: rate limit: an endpoint disabled or deleted while its paced deliveries wait for their starts gets no request after the change returns`, async () => {
    for (const change of ["disable", "delete"]) {
      const store = await realStore();
      const { endpoint } = await store.createEndpoint("paced", { url: `${URL_BASE}/slow`, eventTypes: ["slow.*"], rateLimit: 2 });
      const r = recorder();
      for (let n = 0; n < 6; n++) await store.publish("paced", { type: "slow.x", data: { n } });
      const w = worker(store, r.fetch, { concurrency: 4 }, { concurrency: 4 });
      let changedAt;
      try {
        await until("a first delivery", () => r.seen.length >= 1, 10_000);
        if (change === "delete") await store.deleteEndpoint("paced", endpoint.id);
        else await store.updateEndpoint("paced", endpoint.id, { enabled: false });
        changedAt = Date.now();
        await sleep(1500);
      } finally {
        await w.stop();
      }
      const after = r.seen.filter((s) => s.at > changedAt);
      assert.equal(after.length, 0, `${change}: ${after.length} requests ${after.map((s) => s.at - changedAt).join(", ")} ms after the change returned`);
    }
  });

  test(`${name}: ordered: 20 events whose receiver fails the 4th once and answers the rest after random delays arrive in publish order`, async () => {
    const store = await realStore();
    await store.createEndpoint("fifo", { url: `${URL_BASE}/o`, ordered: true });
    const r = recorder({ answer: (_path, body, n) => (body.data.n === 3 && n === 0 ? 500 : 200), delay: () => Math.floor(Math.random() * 30) });
    for (let n = 0; n < 20; n++) await store.publish("fifo", { type: "a.b", data: { n } });
    const w = worker(store, r.fetch, {}, { retry: { schedule: [0, 100, 100] } });
    try {
      await until("20 accepted", () => r.seen.filter((s) => s.ok).length >= 20, 20_000);
    } finally {
      await w.stop();
    }
    assert.deepEqual(acceptedOrder(r.seen), range(20), "accepted in publish order");
    assert.equal(r.seen.length, 21, "one request per event, and the 4th's retry");
    assert.equal(r.most("/o"), 1, "one request at a time to an ordered endpoint");
  });

  test(`${name}: ordering per key: a key whose head keeps failing holds only its own events; the other keys pass`, async () => {
    const store = await realStore();
    await store.createEndpoint("keys", { url: `${URL_BASE}/k`, ordered: true });
    const r = recorder({ answer: (_path, body) => (body.data.key === "stuck" && body.data.n === 0 ? 503 : 204), delay: () => Math.floor(Math.random() * 10) });
    for (let n = 0; n < 5; n++) {
      for (const key of ["stuck", "b", "c"]) await store.publish("keys", { type: "a.b", data: { n, key }, orderingKey: key });
    }
    const w = worker(store, r.fetch, {}, { retry: { schedule: [0, ...Array(15).fill(100)] } });
    try {
      await until("keys b and c delivered", () => r.seen.filter((s) => s.ok).length >= 10, 15_000);
      await until("the stuck head tried again", () => r.seen.filter((s) => s.key === "stuck").length >= 3, 10_000);
    } finally {
      await w.stop();
    }
    for (const key of ["b", "c"]) assert.deepEqual(r.seen.filter((s) => s.key === key && s.ok).map((s) => s.n), range(5), `key ${key} in order`);
    const stuck = r.seen.filter((s) => s.key === "stuck");
    assert.ok(stuck.every((s) => s.n === 0), `only the stuck key's head was sent: ${stuck.map((s) => s.n)}`);
  });

  test(`${name}: publish: a hostile event or options (throwing getters, a Proxy trap, a toJSON) is a typed invalid_argument, nothing stored`, async () => {
    const store = await realStore();
    await store.createEndpoint("hostile", { url: `${URL_BASE}/h`, ordered: true });
    const boom = () => {
      throw new Error("boom");
    };
    const cases = [
      [{ type: "a.b", get orderingKey() { return boom(); } }],
      [new Proxy({ type: "a.b" }, { ownKeys: boom })],
      [{ type: "a.b", get data() { return boom(); } }],
      [{ type: "a.b", data: { toJSON: boom } }],
      [{ type: "a.b" }, { get traceparent() { return boom(); } }],
      [{ type: "a.b", orderingKey: 42 }],
      [{ type: "a.b", orderingKey: "x".repeat(300) }],
    ];
    for (const [i, [event, options]] of cases.entries()) {
      const e = await store.publish("hostile", event, options).then(() => null, (err) => err);
      assert.ok(e && e.code === "invalid_argument" && !String(e.message).includes("boom"), `case ${i}: ${e?.constructor?.name} ${e?.code} ${e?.message}`);
    }
    assert.equal((await store.listEvents("hostile")).data.length, 0, "nothing stored");
  });

  test(`${name}: ordering: cancelling a key's head lets its next go; cancelling one held behind it takes it out of the line`, async () => {
    const store = await realStore();
    const { endpoint } = await store.createEndpoint("cancel", { url: `${URL_BASE}/c`, ordered: true });
    const published = [];
    for (let n = 0; n < 4; n++) published.push(await store.publish("cancel", { type: "a.b", data: { n }, orderingKey: "k" }));
    // The head (n = 0) and one held behind it (n = 2) are cancelled before any worker runs.
    for (const i of [0, 2]) assert.equal((await store.cancelDelivery("cancel", published[i].deliveryIds[0])).changed, true);
    const r = recorder();
    const w = worker(store, r.fetch);
    try {
      await until("the rest delivered", () => r.seen.filter((s) => s.ok).length >= 2, 10_000);
      await sleep(200);
    } finally {
      await w.stop();
    }
    assert.deepEqual(acceptedOrder(r.seen), [1, 3], "the key went on past the cancelled head, without the cancelled one behind it");
    const states = await Promise.all(published.map((p) => store.getDelivery("cancel", p.deliveryIds[0])));
    assert.deepEqual(states.map((d) => d.state), ["cancelled", "delivered", "cancelled", "delivered"], endpoint.id);
  });

  test(`${name}: ordering: a head that keeps failing is given up after maxBlockMs and recorded; the rest of its key flows`, async () => {
    const { store } = await made({ maxEndpointsPerOwner: 10 });
    await store.migrate();
    const { endpoint } = await store.createEndpoint("block", { url: `${URL_BASE}/b`, ordered: true });
    const sent = [];
    const d = createDispatcher({
      retries: "none",
      clock,
      resolveKeys: store.keysFor,
      ssrf: false,
      retry: { schedule: [0, 400, 400, 400] },
      ordering: { maxBlockMs: 1000 },
      fetch: async (_url, init) => {
        const { data } = JSON.parse(init.body);
        sent.push([data.n, clock()]);
        return new Response(null, { status: data.n === 0 ? 500 : 204 });
      },
    });
    const published = [];
    for (let n = 0; n < 3; n++) published.push(await store.publish("block", { type: "a.b", data: { n } }));
    const start = clock();
    for (let i = 0; i < 8; i++) {
      await store.deliverDue(d);
      advance(200);
    }
    assert.deepEqual(sent.map(([n, at]) => [n, at - start]), [[0, 0], [0, 400], [0, 800], [1, 1000], [2, 1200]], "the head's tries, then the rest in order");
    const head = await store.getDelivery("block", published[0].deliveryIds[0]);
    assert.deepEqual([head.state, head.endedReason, head.attempts.map((a) => a.outcome)], ["failed", "ordering_blocked", ["retry", "retry", "failed"]]);
    assert.ok(head.attempts.at(-1).error.includes("ordering_blocked"), head.attempts.at(-1).error);
    for (const p of published.slice(1)) assert.equal((await store.getDelivery("block", p.deliveryIds[0])).state, "delivered");
    assert.equal((await store.listAttempts("block", endpoint.id)).data.length, 5);
    assert.throws(() => createDispatcher({ ordering: { maxBlockMs: 0 } }), "invalid_policy", SenderError);
    // Redelivered, the given-up event goes to the back of its key: behind one published now.
    await store.publish("block", { type: "a.b", data: { n: 3 } });
    const again = await store.redeliver("block", published[0].deliveryIds[0]);
    sent.length = 0;
    for (let i = 0; i < 4; i++) {
      advance(200);
      await store.deliverDue(d);
    }
    assert.deepEqual(sent.slice(0, 2).map(([n]) => n), [3, 0], "the new event, then the redelivery (answered 500 again)");
    assert.equal((await store.getDelivery("block", again.deliveryId)).attempts[0].attempt, 1);
  });

  test(`${name}: claims never visit what may not start: throttled deliveries wait in the due index's future, held ones outside it`, async () => {
    const { store, db } = await made({ maxEndpointsPerOwner: 10 });
    await store.migrate();
    await store.createEndpoint("skip", { url: `${URL_BASE}/slow`, eventTypes: ["slow.*"], rateLimit: 1 });
    await store.createEndpoint("skip", { url: `${URL_BASE}/fifo`, eventTypes: ["fifo.*"], ordered: true });
    await store.createEndpoint("skip", { url: `${URL_BASE}/free`, eventTypes: ["free.*"] });
    for (let n = 0; n < 30; n++) await store.publish("skip", { type: "slow.a", data: { n } });
    for (let n = 0; n < 30; n++) await store.publish("skip", { type: "fifo.a", data: { n } });
    advance(1);
    // A lease of 2 s: starts are given up to 500 ms ahead (the core's horizon), none here at 1/s.
    const first = await store.claimDue({ limit: 100, leaseMs: 2000 });
    // The bucket let one start (burst 1) and put 29 back, at one a second; of the ordered ones only the head.
    assert.deepEqual(first.map((j) => j.url).sort(), [`${URL_BASE}/fifo`, `${URL_BASE}/slow`]);
    const due = await rawRows(db, `SELECT count(*) AS n FROM hookline_deliveries WHERE state = 'pending' AND NOT held AND next_attempt_at_ms <= ${clock()} AND lease_until_ms IS NULL`);
    assert.equal(Number(due[0].n), 0, "nothing else is due");
    const held = await rawRows(db, "SELECT count(*) AS n FROM hookline_deliveries WHERE held");
    assert.equal(Number(held[0].n), 29, "the ordered endpoint's deliveries behind its head are held");
    const waits = (await rawRows(db, "SELECT next_attempt_at_ms AS t FROM hookline_deliveries WHERE reserved_at_ms IS NOT NULL ORDER BY next_attempt_at_ms")).map((r) => Number(r.t) - clock());
    assert.deepEqual(waits, range(29).map((i) => 1000 * (i + 1) - 500), "each put back a second apart, until the horizon reaches its place");
    await store.publish("skip", { type: "free.a", data: {} });
    const next = await store.claimDue({ limit: 5, leaseMs: 2000 });
    assert.deepEqual(next.map((j) => j.url), [`${URL_BASE}/free`], "the free endpoint's delivery, at once");
    advance(1000);
    const [placed] = await store.claimDue({ limit: 5, leaseMs: 2000 });
    assert.deepEqual([placed?.url, placed?.notBeforeMs], [`${URL_BASE}/slow`, clock()], "the first place in line came: it starts now");
  });

  test(`${name}: a 429 with Retry-After holds the throttled endpoint until then; other endpoints go on`, async () => {
    const { store } = await made({ maxEndpointsPerOwner: 10 });
    await store.migrate();
    const { endpoint } = await store.createEndpoint("slowdown", { url: `${URL_BASE}/busy`, eventTypes: ["busy.*"], rateLimit: 10 });
    await store.createEndpoint("slowdown", { url: `${URL_BASE}/calm`, eventTypes: ["calm.*"] });
    const sent = [];
    const d = createDispatcher({
      retries: "none",
      clock,
      resolveKeys: store.keysFor,
      ssrf: false,
      retry: { schedule: [0, 100] },
      fetch: async (url) => {
        const path = new URL(url).pathname;
        sent.push([path, clock()]);
        return path === "/busy" && sent.filter(([p]) => p === "/busy").length === 1 ? new Response(null, { status: 429, headers: { "retry-after": "2" } }) : new Response(null, { status: 204 });
      },
    });
    for (let n = 0; n < 3; n++) await store.publish("slowdown", { type: "busy.a", data: { n } });
    const start = clock();
    for (let i = 0; i < 30; i++) {
      if (i === 5) await store.publish("slowdown", { type: "calm.a", data: {} });
      // A lease of 1 ms: no start is given ahead (the clock here only moves by hand).
      await store.deliverDue(d, { leaseMs: 1 });
      advance(100);
    }
    const busy = sent.filter(([p]) => p === "/busy").map(([, at]) => at - start);
    assert.equal(busy[0], 0);
    assert.ok(busy.length === 4 && busy.slice(1).every((t) => t >= 2000), `after the 429, nothing before its Retry-After: ${busy}`);
    assert.ok(busy.slice(1).every((t, i, a) => i === 0 || t - a[i - 1] >= 200), `then at half the rate: ${busy}`);
    assert.deepEqual(sent.filter(([p]) => p === "/calm").map(([, at]) => at - start), [500], "another endpoint is not held");
    assert.ok((await store.getEndpoint("slowdown", endpoint.id)).rateLimit === 10);
  });

  if (name !== "d1") test(`${name}: two workers never break the rate or the order`, async () => {
    const store = await realStore();
    await store.createEndpoint("two", { url: `${URL_BASE}/slow`, eventTypes: ["slow.*"], rateLimit: 10 });
    await store.createEndpoint("two", { url: `${URL_BASE}/o`, eventTypes: ["fifo.*"], ordered: true });
    const r = recorder({ answer: (path, body, n) => (path === "/o" && body.data.n === 3 && n === 0 ? 500 : 204), delay: (path) => (path === "/o" ? Math.floor(Math.random() * 20) : 2) });
    for (let n = 0; n < 30; n++) await store.publish("two", { type: "slow.x", data: { n } });
    for (let n = 0; n < 20; n++) await store.publish("two", { type: "fifo.x", data: { n } });
    const workers = [worker(store, r.fetch, {}, { retry: { schedule: [0, 50] } }), worker(store, r.fetch, {}, { retry: { schedule: [0, 50] } })];
    try {
      await until("every delivery", () => r.seen.filter((s) => s.ok).length >= 50, 20_000);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    const { perSecond, busiest: most } = rateOf(r.to("/slow").map((s) => s.at), 1);
    assert.ok(perSecond >= 8 && perSecond <= 12 && most <= 11, `two workers: ${perSecond.toFixed(2)}/s, ${most} in the busiest second`);
    assert.deepEqual(acceptedOrder(r.to("/o")), range(20), "two workers: accepted in publish order");
    assert.equal(r.most("/o"), 1, "two workers: one request at a time to the ordered endpoint");
  });

  test(`${name}: disabling an ordered endpoint ends its keys' deliveries; enabled again, a new event is its key's head`, async () => {
    const { store } = await made({ maxEndpointsPerOwner: 10 });
    await store.migrate();
    const { endpoint } = await store.createEndpoint("again", { url: `${URL_BASE}/again`, ordered: true });
    let status = 503;
    const d = createDispatcher({ retries: "none", clock, resolveKeys: store.keysFor, ssrf: false, retry: { schedule: [0, 100, 100, 100] }, fetch: async () => new Response(null, { status }) });
    for (let n = 0; n < 4; n++) await store.publish("again", { type: "a.b", data: { n }, orderingKey: "k" });
    await store.deliverDue(d);
    await store.updateEndpoint("again", endpoint.id, { enabled: false });
    await store.updateEndpoint("again", endpoint.id, { enabled: true });
    status = 204;
    const { deliveryIds } = await store.publish("again", { type: "a.b", data: { n: 4 }, orderingKey: "k" });
    advance(1);
    await store.deliverDue(d);
    assert.equal((await store.getDelivery("again", deliveryIds[0])).state, "delivered", "the new event went: its key counts no cancelled delivery");
  });

  test(`${name}: rateLimit, rateLimitBurst and ordered through the store and the API; bad values and orderingKeys refused by name`, async () => {
    const { store } = await made({ maxEndpointsPerOwner: 10 });
    await store.migrate();
    const { endpoint } = await store.createEndpoint("fields", { url: `${URL_BASE}/f`, rateLimit: 2.5, rateLimitBurst: 4, ordered: true });
    assert.deepEqual([endpoint.rateLimit, endpoint.rateLimitBurst, endpoint.ordered], [2.5, 4, true]);
    const plain = (await store.createEndpoint("fields", { url: `${URL_BASE}/p` })).endpoint;
    assert.deepEqual([plain.rateLimit, plain.rateLimitBurst, plain.ordered], [null, null, false]);
    const faster = await store.updateEndpoint("fields", endpoint.id, { rateLimit: 50 });
    assert.deepEqual([faster.rateLimit, faster.rateLimitBurst, faster.ordered], [50, 4, true], "a new rate keeps the burst");
    const none = await store.updateEndpoint("fields", endpoint.id, { rateLimit: null, ordered: false });
    assert.deepEqual([none.rateLimit, none.rateLimitBurst, none.ordered], [null, null, false]);
    for (const bad of [{ rateLimit: 0 }, { rateLimit: 20_000 }, { rateLimit: "10" }, { rateLimit: 10, rateLimitBurst: 0 }, { rateLimitBurst: 3 }, { ordered: "yes" }]) {
      const e = await store.createEndpoint("fields", { url: `${URL_BASE}/bad`, ...bad }).catch((err) => err);
      assert.ok(e instanceof SenderError && e.code === "invalid_argument", `${JSON.stringify(bad)}: ${e?.code ?? "accepted"}`);
      assert.ok(/rateLimit|ordered/.test(e.message), e.message);
    }
    const keyed = [];
    for (const orderingKey of ["", "a\nb", "x".repeat(257), 42]) {
      const e = await store.publish("fields", { type: "a.b", data: {}, orderingKey }).catch((err) => err);
      keyed.push(e?.code);
    }
    assert.deepEqual(keyed, ["invalid_argument", "invalid_argument", "invalid_argument", "invalid_argument"], "bad orderingKeys");
    const api = createManagementApi({ store, token: "t0ken-for-the-tests-only" });
    const call = async (method, path, body) => {
      const res = await api(new Request(`http://api.test/v1/tenants/fields/${path}`, { method, headers: { authorization: "Bearer t0ken-for-the-tests-only", "content-type": "application/json" }, body: JSON.stringify(body) }));
      return { status: res.status, body: await res.json() };
    };
    const made2 = await call("POST", "endpoints", { url: `${URL_BASE}/api`, rateLimit: 5, ordered: true });
    assert.deepEqual([made2.status, made2.body.endpoint.rateLimit, made2.body.endpoint.rateLimitBurst, made2.body.endpoint.ordered], [201, 5, 1, true]);
    const patched = await call("PATCH", `endpoints/${made2.body.endpoint.id}`, { rateLimitBurst: 3 });
    assert.deepEqual([patched.status, patched.body.rateLimit, patched.body.rateLimitBurst], [200, 5, 3]);
    const refused = await call("PATCH", `endpoints/${made2.body.endpoint.id}`, { rateLimit: -1 });
    assert.deepEqual([refused.status, refused.body.code], [400, "invalid_argument"]);
    const unknown = await call("POST", "endpoints", { url: `${URL_BASE}/api2`, rate_limit: 5 });
    assert.ok(unknown.status === 400 && unknown.body.detail.includes('"rate_limit"') && unknown.body.detail.includes("rateLimit"), unknown.body.detail);
    const published = await call("POST", "events", { type: "a.b", data: {}, orderingKey: "cus_1" });
    assert.equal(published.status, 202);
    const badKey = await call("POST", "events", { type: "a.b", data: {}, orderingKey: "" });
    assert.deepEqual([badKey.status, badKey.body.code], [400, "invalid_argument"]);
    // The key orders deliveries; it is not part of what the receiver gets.
    let body = null;
    const d = createDispatcher({ retries: "none", clock, resolveKeys: store.keysFor, ssrf: false, fetch: async (_u, init) => ((body = init.body), new Response(null, { status: 204 })) });
    advance(1);
    await store.deliverDue(d, { limit: 10 });
    assert.ok(body !== null && !body.includes("orderingKey") && !body.includes("cus_1"), body);
  });
}

/**
 * `hookline serve` on PostgreSQL, twice on one database, one of them killed with SIGKILL mid-run
 * and a third started: a throttled endpoint (10/s, burst 2) never gets more than 12 requests in
 * a second, and an ordered endpoint's 20 events (the 4th failing once, random answer times)
 * are accepted in publish order, one request at a time, each key on its own.
 */
export async function serveOrderTest(cluster, { startServe, KEY }) {
  const admin = new pg.Client({ host: "127.0.0.1", port: cluster.port, user: "postgres", database: "postgres" });
  await admin.connect();
  await admin.query("CREATE DATABASE served_order");
  await admin.end();
  const seen = [];
  const tries = new Map();
  const inFlight = new Map();
  let overlaps = 0;
  const receiver = createHttpServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const path = req.url;
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const key = `${path}/${body.data.key ?? ""}`;
      if (path !== "/slow" && (inFlight.get(key) ?? 0) > 0) overlaps++;
      inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
      const at = Date.now();
      const n = tries.get(body.id) ?? 0;
      tries.set(body.id, n + 1);
      const status = path !== "/slow" && body.data.n === 3 && n === 0 ? 500 : 204;
      setTimeout(() => {
        inFlight.set(key, inFlight.get(key) - 1);
        seen.push({ path, key: body.data.key, n: body.data.n, at, ok: status < 300 });
        res.writeHead(status).end();
      }, path === "/slow" ? 5 : Math.floor(Math.random() * 40));
    });
  });
  await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
  const TOKEN = "order-serve-token-0123456789";
  const args = ["--db", `postgres://postgres@127.0.0.1:${cluster.port}/served_order`, "--schedule", "0,100ms,100ms,100ms", "--allow-targets", "127.0.0.1", "--lease", "3s"];
  const env = { HOOKLINE_API_TOKEN: TOKEN, HOOKLINE_ENCRYPTION_KEY: KEY };
  const serves = [];
  const start = async () => {
    const s = await startServe(args, env);
    serves.push(s);
    return s;
  };
  try {
    // Two at once on a new database: their migrations take turns.
    const [a] = await Promise.all([start(), start()]);
    const call = async (method, path, body) => {
      const r = await fetch(`${a.base}/v1/tenants/order/${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${await r.clone().text()}`);
      return r.json();
    };
    const base = `http://127.0.0.1:${receiver.address().port}`;
    await call("POST", "endpoints", { url: `${base}/slow`, eventTypes: ["slow.*"], rateLimit: 10, rateLimitBurst: 2 });
    await call("POST", "endpoints", { url: `${base}/fifo`, eventTypes: ["fifo.*"], ordered: true });
    await call("POST", "endpoints", { url: `${base}/keyed`, eventTypes: ["keyed.*"], ordered: true });
    for (let n = 0; n < 40; n++) await call("POST", "events", { type: "slow.x", data: { n } });
    for (let n = 0; n < 20; n++) await call("POST", "events", { type: "fifo.x", data: { n } });
    for (let n = 0; n < 10; n++) for (const key of ["a", "b"]) await call("POST", "events", { type: "keyed.x", data: { n, key }, orderingKey: key });
    await until("some of each delivered", () => seen.filter((s) => s.path === "/slow").length >= 10 && seen.filter((s) => s.path === "/fifo" && s.ok).length >= 5, 20_000);
    a.child.kill("SIGKILL");
    await a.exited;
    await start();
    const accepted = (path) => seen.filter((s) => s.path === path && s.ok);
    // Counted by event, not by request: a delivery the killed serve sent but never recorded is
    // sent again (at least once), so 20 accepted requests to /keyed may still miss an event.
    const events = (records) => new Set(records.map((s) => s.n)).size;
    const keyed = (key) => accepted("/keyed").filter((s) => s.key === key);
    await until("every delivery accepted", () => events(accepted("/slow")) === 40 && events(accepted("/fifo")) === 20 && events(keyed("a")) === 10 && events(keyed("b")) === 10, 60_000);
    const slow = seen.filter((s) => s.path === "/slow").map((s) => s.at);
    const most = busiest(slow);
    assert.ok(most <= 12, `a second with ${most} requests to the endpoint limited to 10/s with a burst of 2`);
    const firsts = (records) => records.filter((s, i, all) => all.findIndex((o) => o.n === s.n) === i).map((s) => s.n);
    assert.deepEqual(firsts(accepted("/fifo")), range(20), "the ordered endpoint accepted its events in publish order");
    for (const key of ["a", "b"]) assert.deepEqual(firsts(keyed(key)), range(10), `key ${key} in publish order`);
    assert.equal(overlaps, 0, "two requests of one ordered key at the same time");
    const alive = serves.filter((s) => s !== a);
    for (const s of alive) s.child.kill("SIGTERM");
    for (const s of alive) {
      const ended = await s.exited;
      assert.equal(ended.code, 0, `serve exit ${JSON.stringify(ended)} (${s.out.slice(-600)})`);
    }
  } finally {
    for (const s of serves) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill("SIGKILL");
    await Promise.all(serves.map((s) => s.exited));
    receiver.close();
    receiver.closeAllConnections?.();
  }
}
