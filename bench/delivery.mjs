// npm run bench:delivery -- a benchmark that prints figures, never a timed test.
// 10,000 events to a loopback receiver (another process) at concurrency 64, through the
// dispatcher and through plain fetch loops POSTing each event's JSON (bare; with a timeout; with
// redirect mode "error"; as the dispatcher's own request), and a plain loop on undici's request
// API (what the dispatcher uses in Node), interleaved, medians of ROUNDS (7); each round runs the senders in
// the opposite order of the round before, and its dispatcher/plain ratio is taken on its own (so a
// slow minute on a shared machine weighs on both sides of it); then RSS before and after 100,000
// events through one dispatcher; then the hostile row (see hostileRow): healthy deliveries per
// second with and without bad endpoints served by the same dispatcher, interleaved the same way,
// the ratio (target >= 0.9) and RSS growth over the run (target < 50 MB).
// `node --expose-gc bench/delivery.mjs hostile` (or `npm run bench:delivery -- hostile`) runs the
// hostile row alone.
import { fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const { createDispatcher, generateSecret, Matcher } = await import(join(here, "..", "pkg", "node.mjs"));
const EVENTS = Number(process.env.EVENTS ?? 10_000);
const SOAK = Number(process.env.SOAK ?? 100_000);
const CONCURRENCY = 64;
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const HOSTILE_EVENTS = Number(process.env.HOSTILE_EVENTS ?? 1_000);
const mode = process.argv[2] ?? "all";
if (mode !== "all" && mode !== "hostile") {
  console.error("usage: node --expose-gc bench/delivery.mjs [hostile]");
  process.exit(2);
}

const receiver = fork(join(here, "receiver.mjs"), { stdio: "inherit" });
const port = await new Promise((resolve) => receiver.once("message", (m) => resolve(m.port)));
const url = `http://127.0.0.1:${port}/hook`;
const secret = generateSecret();
const subscription = { id: "ep_bench", url, secret };
// One Matcher for the subscription list, as a sender keeps it while the list is unchanged.
const matcher = new Matcher([subscription]);
const event = (i) => ({ type: "invoice.paid", data: { invoice: `in_${i}`, amount: 4200, lines: [{ sku: "a", qty: 1 }] } });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function pool(n, task) {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < n) await task(next++);
  }));
}

// Each run returns [events per second, this process's CPU microseconds per event]: the second
// is the steadier figure on a shared machine, where wall time also measures the neighbours.
async function timed(n, body) {
  const cpu = process.cpuUsage();
  const t = performance.now();
  await body();
  const used = process.cpuUsage(cpu);
  return [n / ((performance.now() - t) / 1000), (used.user + used.system) / n];
}

// The headers the dispatcher sends (Standard Webhooks scheme), as fixed strings of the same sizes.
const sameHeaders = {
  "content-type": "application/json",
  "user-agent": "hookline",
  "webhook-event-type": "invoice.paid",
  "webhook-delivery-id": "dlv_01JEXAMPLE0000000000000000",
  "webhook-id": "msg_01JEXAMPLE0000000000000000",
  "webhook-timestamp": "1764590000",
  "webhook-signature": "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
};

// In Node the dispatcher sends with redirect mode "error": undici copies the request body (a
// stream tee) for any other mode, "follow" (fetch's default) and "manual" included.
async function plainFetch(n, withTimeout = false, same = false, redirect = undefined) {
  // The floor: each event serialized and POSTed, with no envelope, signing, matching, retry or
  // logging; optionally with the per-request AbortSignal timeout the dispatcher always sets, with
  // another redirect mode, or as the same HTTP request the dispatcher sends (its seven headers,
  // redirect mode "error").
  return timed(n, () => pool(n, async (i) => {
    const init = { method: "POST", body: JSON.stringify(event(i)), headers: same ? { ...sameHeaders } : { "content-type": "application/json" } };
    if (same || redirect) init.redirect = same ? "error" : redirect;
    let timer;
    if (withTimeout) {
      const c = new AbortController();
      timer = setTimeout(() => c.abort(), 15_000);
      init.signal = c.signal;
    }
    const r = await fetch(url, init);
    await r.arrayBuffer();
    clearTimeout(timer);
  }));
}

// The dispatcher in Node sends through the request API of an agent of undici (the client Node's
// fetch is built on), not through fetch: this loop sends the same request the same way, so the
// dispatcher's own cost shows against the same client.
let requestAgent = null;
async function plainRequest(n) {
  if (!requestAgent) {
    await fetch("data:,");
    requestAgent = new (globalThis[Symbol.for("undici.globalDispatcher.1")].constructor)();
  }
  const { origin, pathname } = new URL(url);
  return timed(n, () => pool(n, async (i) => {
    const c = new AbortController();
    const timer = setTimeout(() => c.abort(), 15_000);
    const r = await requestAgent.request({ origin, path: pathname, method: "POST", headers: { ...sameHeaders }, body: JSON.stringify(event(i)), signal: c.signal });
    for await (const _ of r.body);
    clearTimeout(timer);
  }));
}

async function viaDispatcher(n, onAttempt, fetch) {
  const d = createDispatcher({ concurrency: CONCURRENCY, ssrf: { allow: ["127.0.0.1"] }, onAttempt, fetch });
  let delivered = 0;
  const result = await timed(n, () => pool(n, async (i) => {
    const summary = await d.dispatch(event(i), matcher);
    delivered += summary.delivered;
  }));
  if (delivered !== n) throw new Error(`delivered ${delivered} of ${n}`);
  return result;
}

// The hostile row: can bad endpoints break delivery for the others? HOSTILE_EVENTS (1,000) events
// go to four healthy endpoints that answer 204 after LATENCY_MS (100 ms, as real endpoints take
// time), through a pool of 64 callers awaiting `dispatch`, so their throughput is bounded by the
// dispatcher's 64 slots rather than by this machine's two cores. In the "with" variant the same
// dispatcher also serves a bad tenant: with every tenth healthy event, one event (not awaited) to
// eleven endpoints of another process (hostile-receiver.mjs), one streaming an endless 200 body
// and ten answering 503 with retries planned a minute later. `sleep` is injected and never
// resolves, so those retries stay asleep through the run, as a minute's wait would: a retry that
// held its slot while asleep (the dispatcher before the redesign) would take the healthy
// endpoints' slots, and an endless body read whole would take the memory. Healthy throughput =
// healthy deliveries per second over the run; RSS is read after gc before and after each run.
const LATENCY_MS = Number(process.env.LATENCY_MS ?? 100);

// RSS once closed sockets and dropped buffers have been let go: what a run keeps, not its peak.
async function settledRss() {
  await new Promise((r) => setTimeout(r, 200));
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().rss;
}

async function hostileRow() {
  const hostile = fork(join(here, "hostile-receiver.mjs"), { stdio: "inherit" });
  try {
    const badPort = await new Promise((resolve) => hostile.once("message", (m) => resolve(m.port)));
    const healthy = Array.from({ length: 4 }, (_, k) => ({ id: `ep_healthy_${k}`, url: `http://127.0.0.1:${port}/after/${LATENCY_MS}/${k}`, secret }));
    const endless = { id: "ep_endless", url: `http://127.0.0.1:${badPort}/endless`, secret };
    const failing = Array.from({ length: 10 }, (_, k) => ({ id: `ep_503_${k}`, url: `http://127.0.0.1:${badPort}/503/${k}`, secret }));
    const good = new Matcher(healthy);
    const bad = new Matcher([endless, ...failing]);

    async function run(n, withBad) {
      const asleep = new Promise(() => {}); // see above
      const badSeen = {};
      const d = createDispatcher({
        concurrency: CONCURRENCY,
        timeoutMs: 2000,
        ssrf: { allow: ["127.0.0.1"] },
        retry: { schedule: [0, 60_000, 60_000] },
        sleep: () => asleep,
        onAttempt(r) {
          if (r.endpointId.startsWith("ep_healthy")) return;
          const key = `${r.endpointId === "ep_endless" ? "endless" : "503"}: ${r.outcome}`;
          badSeen[key] = (badSeen[key] ?? 0) + 1;
        },
      });
      const rssBefore = await settledRss();
      let delivered = 0;
      let next = 0;
      const t = performance.now();
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        while (next < n) {
          const i = next++;
          if (withBad && i % 10 === 0) d.dispatch(event(i), bad).catch((e) => console.error("bad tenant dispatch failed:", e));
          const summary = await d.dispatch(event(i), good);
          delivered += summary.delivered;
        }
      }));
      const seconds = (performance.now() - t) / 1000;
      const rssGrowth = ((await settledRss()) - rssBefore) / 1048576;
      return { rate: delivered / seconds, delivered, rssGrowth, badSeen };
    }

    await run(Math.min(200, HOSTILE_EVENTS), false); // warm-up
    await run(Math.min(200, HOSTILE_EVENTS), true);
    const without = [];
    const withBad = [];
    const variants = [
      [without, () => run(HOSTILE_EVENTS, false)],
      [withBad, () => run(HOSTILE_EVENTS, true)],
    ];
    for (let round = 0; round < ROUNDS; round++) {
      for (const [runs, go] of round % 2 ? [...variants].reverse() : variants) runs.push(await go());
    }
    const rate = (runs) => median(runs.map((r) => r.rate));
    const paired = withBad.map((r, i) => r.rate / without[i].rate).sort((a, b) => a - b);
    const list = (xs, digits = 0) => xs.map((x) => x.toFixed(digits)).join(", ");
    const growth = withBad.map((r) => r.rssGrowth);
    console.log(`\nHostile endpoints: ${HOSTILE_EVENTS} events to 4 healthy endpoints (204 after ${LATENCY_MS} ms), concurrency ${CONCURRENCY}, timeoutMs 2000, ${ROUNDS} rounds; "with": the same dispatcher also sends every tenth event to 1 endpoint streaming an endless body and 10 answering 503 (their retries asleep)`);
    console.log(`| run | healthy deliveries/s (median) | runs |`);
    console.log(`|---|---|---|`);
    console.log(`| healthy endpoints only | ${rate(without).toFixed(0)} | ${list(without.map((r) => r.rate))} |`);
    console.log(`| with the endless body and ten 503s | ${rate(withBad).toFixed(0)} | ${list(withBad.map((r) => r.rate))} |`);
    console.log(`ratio healthy throughput with / without the bad endpoints: ${(rate(withBad) / rate(without)).toFixed(2)} (target >= 0.9); round by round: median ${paired[Math.floor(paired.length / 2)].toFixed(2)}, all ${list(paired, 2)}`);
    console.log(`RSS growth over each run with the bad endpoints (after gc): median ${median(growth).toFixed(1)} MB, max ${Math.max(...growth).toFixed(1)} MB (target < 50); without them: max ${Math.max(...without.map((r) => r.rssGrowth)).toFixed(1)} MB`);
    console.log(`bad endpoints' attempts in the last run: ${Object.entries(withBad.at(-1).badSeen).map(([k, v]) => `${k} ${v}`).join("; ")}`);
    console.log(`healthy deliveries per run: ${without.at(-1).delivered} without, ${withBad.at(-1).delivered} with`);
  } finally {
    hostile.send("stop");
  }
}

try {
  if (mode === "all") {
    await plainFetch(500); // warm-up: connections, JIT
    await viaDispatcher(500);
    const plain = [];
    const timedOut = [];
    const noCopy = [];
    const sameRequest = [];
    const viaRequest = [];
    const ours = [];
    const alone = [];
    // hookline's own work: the same dispatcher with a fetch that answers 204 at once (no socket).
    const noContent = { status: 204, type: "basic", body: null, headers: new Headers() };
    const answerAtOnce = async () => noContent;
    const senders = [
      [plain, () => plainFetch(EVENTS)],
      [timedOut, () => plainFetch(EVENTS, true)],
      [noCopy, () => plainFetch(EVENTS, false, false, "error")],
      [sameRequest, () => plainFetch(EVENTS, true, true)],
      [viaRequest, () => plainRequest(EVENTS)],
      [ours, () => viaDispatcher(EVENTS)],
      [alone, () => viaDispatcher(EVENTS, undefined, answerAtOnce)],
    ];
    for (let round = 0; round < ROUNDS; round++) {
      for (const [runs, send] of round % 2 ? [...senders].reverse() : senders) runs.push(await send());
    }
    const rate = (runs) => median(runs.map((r) => r[0]));
    const cpu = (runs) => median(runs.map((r) => r[1]));
    // The dispatcher against the plain loop, round by round: the median and the middle half.
    const paired = ours.map((r, i) => r[0] / plain[i][0]).sort((a, b) => a - b);
    const quarter = (q) => paired[Math.min(paired.length - 1, Math.floor(paired.length * q))];
    const row = (name, runs) => `| ${name} | ${rate(runs).toFixed(0)} | ${cpu(runs).toFixed(0)} | ${runs.map((r) => r[0].toFixed(0)).join(", ")} |`;
    console.log(`\nDelivery: ${EVENTS} events, concurrency ${CONCURRENCY}, loopback receiver in another process, Node ${process.version}`);
    console.log(`| sender | events/s (median of ${ROUNDS}) | sender CPU us/event (median) | runs, events/s |`);
    console.log(`|---|---|---|---|`);
    console.log(row("plain fetch loop", plain));
    console.log(row("plain fetch loop + AbortSignal timeout", timedOut));
    console.log(row('plain fetch loop + redirect: "error"', noCopy));
    console.log(row('plain fetch loop, the dispatcher\'s HTTP request (7 headers, timeout, redirect: "error")', sameRequest));
    console.log(row("plain loop on undici's request API (the client Node's fetch is built on), the dispatcher's request and a timeout", viaRequest));
    console.log(row("hookline dispatcher (envelope, match, SSRF check, sign, timeout, classify, health, record; in Node through undici's request API)", ours));
    console.log(`ratio dispatcher / plain fetch: ${(rate(ours) / rate(plain)).toFixed(2)} (target >= 0.9); / plain fetch with a timeout: ${(rate(ours) / rate(timedOut)).toFixed(2)}; / plain fetch with redirect "error": ${(rate(ours) / rate(noCopy)).toFixed(2)}; / the same HTTP request sent by a plain loop: ${(rate(ours) / rate(sameRequest)).toFixed(2)}`);
    console.log(`ratio dispatcher / plain fetch, round by round: median ${quarter(0.5).toFixed(2)}, middle half ${quarter(0.25).toFixed(2)} to ${quarter(0.75).toFixed(2)}, all ${paired.map((x) => x.toFixed(2)).join(", ")}`);
    console.log(`what the HTTP request itself costs, plain fetch with the dispatcher's request / plain fetch: ${(rate(sameRequest) / rate(plain)).toFixed(2)}`);
    console.log(`ratio dispatcher / a plain loop on the same client API (undici's request): ${(rate(ours) / rate(viaRequest)).toFixed(2)}: hookline's own cost`);
    console.log(`sender CPU per event, plain / dispatcher: ${(cpu(plain) / cpu(ours)).toFixed(2)}`);
    console.log(`hookline's own work, the dispatcher with a fetch that answers at once: ${cpu(alone).toFixed(0)} us CPU per event (${rate(alone).toFixed(0)} events/s), ${((cpu(alone) / cpu(plain)) * 100).toFixed(0)}% of the plain loop's CPU per event`);

    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    let records = 0;
    await viaDispatcher(SOAK, () => records++);
    globalThis.gc?.();
    const after = process.memoryUsage().rss;
    console.log(`\nRSS over ${SOAK} events: before ${(before / 1048576).toFixed(1)} MiB, after ${(after / 1048576).toFixed(1)} MiB (${records} attempt records passed to onAttempt and dropped)`);
  }
  await hostileRow();
} finally {
  receiver.send("stop");
}
