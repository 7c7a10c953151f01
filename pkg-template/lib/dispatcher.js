// The delivery edge: I/O only. The core's DeliveryEndpoint decides every attempt (SSRF verdict,
// admission, signing, what an outcome means, the plan, the health); this file fetches, reads at
// most a snippet of each response, keeps time, bounds concurrency and hands results back.
// It is bundled into every entry point next to the wasm-bindgen glue.
import { checkOrderingPolicy, checkResolved, DeliveryEndpoint, EnvelopeBuilder, eventId, Matcher, matchSubscriptions, nextWait, orderedAttempt, traceChild, unstartedAttempt } from "./wasm.js";
import { redactedHref, SenderError } from "../../src/wasm/edge.js";

const SNIPPET_BYTES = 512;
// What a record keeps of a response's headers: names and values, this many characters in all.
const HEADER_CHARS = 4096;
// A response that declares at most this many bytes is read to its end, so its connection can be
// reused; any other is read up to the snippet and then cancelled.
const SMALL_BODY = 65536;
// setTimeout fires at once past 2^31 - 1 ms (about 24.8 days): longer waits are chained.
const MAX_TIMER_MS = 2 ** 31 - 1;
const decoder = new TextDecoder();
const STOP = Symbol("stop");

// Jitter draws come from a pooled buffer: one getRandomValues call per 1,024 draws.
const pool = new Uint32Array(1024);
let poolAt = pool.length;
function defaultRandom() {
  if (poolAt >= pool.length) {
    globalThis.crypto.getRandomValues(pool);
    poolAt = 0;
  }
  return pool[poolAt++];
}

function defaultSleep(ms) {
  return new Promise((resolve) => {
    const wait = (left) => (left > MAX_TIMER_MS ? setTimeout(wait, MAX_TIMER_MS, left - MAX_TIMER_MS) : setTimeout(resolve, left));
    wait(ms);
  });
}

/** Resolves (never rejects) once `slot`'s deadline has passed: one listener per signal. */
function deadlineOf(slot) {
  if (!slot.passed) {
    const signal = slot.controller.signal;
    slot.passed = signal.aborted ? Promise.resolve(STOP) : new Promise((resolve) => signal.addEventListener("abort", () => resolve(STOP), { once: true }));
  }
  return slot.passed;
}

/**
 * At most `limit` bytes of a response body as text, read before `slot`'s deadline; the rest is
 * cancelled. `late` is true when the deadline cut the read short. `read()` gives the next chunk
 * (`{ done, value }`) and `cancel()` drops the rest, whatever the body is (a fetch stream or a
 * Node stream); `declared` is the content-length header, if any.
 */
async function snippet(read, cancel, declared, limit, slot) {
  const whole = declared != null && declared !== "" && Number(declared) <= SMALL_BODY;
  const chunks = [];
  let size = 0;
  let done = false;
  let late = false;
  try {
    while (whole || size < limit) {
      const r = await Promise.race([read(), deadlineOf(slot)]);
      if (r === STOP) {
        late = true;
        break;
      }
      if (r.done) {
        done = true;
        break;
      }
      if (size < limit) chunks.push(r.value);
      size += r.value.length;
      // A declared length is enforced by the HTTP parser; this bounds a client that does not.
      if (size > SMALL_BODY) break;
    }
  } catch {
    // The deadline (the body errors when its signal aborts) or a reset while reading: the
    // status already counts, the snippet is what arrived.
    late = slot.controller.signal.aborted;
  } finally {
    if (!done) cancel();
  }
  const all = new Uint8Array(Math.min(size, limit));
  let at = 0;
  for (const c of chunks) {
    const take = Math.min(c.length, all.length - at);
    all.set(c.subarray(0, take), at);
    at += take;
    if (at >= all.length) break;
  }
  // Not read to its end (cut at the limit, the deadline or a reset) or longer than kept.
  return { text: decoder.decode(all), late, truncated: !done || size > limit };
}

/**
 * A response's headers as a plain object, up to HEADER_CHARS characters of names and values (a
 * header that does not fit in what is left is left out; the HTTP parser bounds how many there
 * are). `source` is a fetch Headers or a Node headers object (a repeated header as an array). A
 * `set-cookie` value is a session credential of the receiver's: its name is kept, its value not.
 */
function responseHeaders(source) {
  // A Map, then fromEntries: a header named __proto__ stays a plain own property.
  const out = new Map();
  let left = HEADER_CHARS;
  try {
    const entries = typeof source?.entries === "function" ? source.entries() : Object.entries(source ?? {});
    for (const [rawName, rawValue] of entries) {
      const name = String(rawName).toLowerCase();
      const value = name === "set-cookie" || name === "set-cookie2" ? "[redacted]" : Array.isArray(rawValue) ? rawValue.join(", ") : String(rawValue);
      const size = name.length + value.length;
      if (size > left) continue;
      left -= size;
      out.set(name, out.has(name) ? `${out.get(name)}, ${value}` : value);
    }
  } catch {
    // An injected fetch's headers that cannot be read: what was read so far.
  }
  return Object.fromEntries(out);
}

/** A fetch Response's body as snippet()'s source. */
function fetchBody(response) {
  const reader = response.body.getReader();
  return [() => reader.read(), () => reader.cancel().catch(() => {}), response.headers?.get?.("content-length")];
}

/** A Node HTTP client's body (an async-iterable stream) as snippet()'s source. */
function streamBody(body, headers) {
  const chunks = body[Symbol.asyncIterator]();
  return [() => chunks.next(), () => body.destroy(), headers["content-length"]];
}

/**
 * Request deadlines. An AbortSignal is costly to make in Node (an EventTarget each), so where it
 * is `shared`, requests that start within the same short window (at most 10 ms, and a twentieth
 * of the timeout) share one AbortController, up to SHARED_SIGNAL_MAX of them: with fetch's own
 * listener and the body read's one per window, that stays under Node's listener warning (10).
 * When the window closes, a timer aborts it `timeoutMs` later if any of its requests is still
 * going; once the last of them ends, that timer is cleared. Each request thus gets at least
 * `timeoutMs` and at most `timeoutMs` plus the window. Not shared, each request has its own
 * controller and timer (Workers: a timer belongs to the request that set it).
 */
const SHARED_SIGNAL_MAX = 8;

function timeouts(timeoutMs, shared) {
  if (!shared) {
    return {
      start() {
        const controller = new AbortController();
        return { controller, timer: setTimeout(() => controller.abort(), timeoutMs), passed: null };
      },
      end: (slot) => clearTimeout(slot.timer),
    };
  }
  const windowMs = Math.min(10, Math.floor(timeoutMs / 20));
  let open = null;
  const close = (w) => {
    if (open !== w) return;
    open = null;
    if (w.pending > 0) w.deadline = setTimeout(() => w.controller.abort(), timeoutMs);
  };
  return {
    start() {
      const now = Date.now();
      // A late window timer (a busy event loop) must not stretch the window.
      if (open !== null && (now - open.openedAt > windowMs || open.started >= SHARED_SIGNAL_MAX)) close(open);
      if (open === null) {
        const w = { controller: new AbortController(), openedAt: now, started: 0, pending: 0, deadline: undefined, passed: null };
        open = w;
        setTimeout(close, windowMs, w);
      }
      open.started++;
      open.pending++;
      return open;
    },
    end(w) {
      if (--w.pending === 0 && open !== w) clearTimeout(w.deadline);
    },
  };
}

/**
 * Request slots: at most `max` in flight, and at most `perKey` for one key (an endpoint). A task
 * whose key is at its limit waits without holding a slot. Whenever a slot frees, it goes to the
 * oldest waiting task that may take it, so a task arriving meanwhile cannot put one more than
 * `max` in flight; a new task runs at once only when it may (every task still waiting is then
 * held by its own key's limit).
 */
function slots(max, perKey) {
  let active = 0;
  const byKey = new Map();
  const waiting = [];
  const mayRun = (key) => active < max && (byKey.get(key) ?? 0) < perKey;
  const take = (key) => {
    active++;
    byKey.set(key, (byKey.get(key) ?? 0) + 1);
  };
  const release = (key) => {
    active--;
    const left = byKey.get(key) - 1;
    if (left === 0) byKey.delete(key);
    else byKey.set(key, left);
    // One slot freed, so at most one waiting task can start: the oldest that may.
    for (let i = 0; i < waiting.length; i++) {
      const w = waiting[i];
      if (!mayRun(w.key)) continue;
      waiting.splice(i, 1);
      take(w.key);
      w.start();
      break;
    }
  };
  return (key, task) => {
    const go = () => {
      let promise;
      try {
        promise = Promise.resolve(task());
      } catch (e) {
        release(key);
        return Promise.reject(e);
      }
      const done = () => release(key);
      promise.then(done, done);
      return promise;
    };
    if (mayRun(key)) {
      take(key);
      return go();
    }
    return new Promise((start) => waiting.push({ key, start })).then(go);
  };
}

/** Whether globalThis.fetch is Node's own (undici), not Deno's, Bun's, a browser's or workerd's. */
function isNodeFetch() {
  const p = globalThis.process;
  return typeof p?.versions?.undici === "string" && globalThis.Deno === undefined && globalThis.Bun === undefined;
}

/** A TypeError with the stable code of a bad option. */
const invalidArgument = (message) => Object.assign(new TypeError(message), { code: "invalid_argument" });

/** `new Date(ms).toISOString()`, with the part up to the second made once per second. */
let isoSecond = NaN;
let isoPrefix = "";
function isoTime(ms) {
  const t = Math.trunc(ms);
  const second = Math.floor(t / 1000);
  if (second !== isoSecond || !Number.isFinite(t)) {
    const full = new Date(t).toISOString();
    isoSecond = second;
    isoPrefix = full.slice(0, -4);
    return full;
  }
  const milli = t - second * 1000;
  return `${isoPrefix}${milli < 10 ? "00" : milli < 100 ? "0" : ""}${milli}Z`;
}

// An HTTP token (RFC 9110), and a field value without control characters.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
// What the dispatcher itself sends besides the event type and the scheme's headers.
const FIXED_HEADERS = ["content-type", "user-agent", "webhook-delivery-id"];
// 32 zero bytes: only to check the options once; never signs anything sent.
const PROBE_SECRET = "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

// What identifies an endpoint's set-up: when it changes, the endpoint is made again (health kept).
// Text for the common subscription (string fields only; no JSON per dispatch), else JSON, since
// `secrets` and `custom` may be changed in place.
function setupOf(sub) {
  const { url, scheme, format, secret, secrets, custom, secretVersion } = sub;
  if (secrets === undefined && custom === undefined && typeof url === "string" && typeof secret === "string") {
    return `${url}\n${scheme}\n${format}\n${secretVersion}\n${secret}`;
  }
  return JSON.stringify([String(url), scheme, format, secret, secrets, custom, secretVersion]);
}

/**
 * An attempt record with nothing sent yet: the fields every record has, from `fields`
 * (`deliveryId`, `eventId`, `eventType`, `endpointId`, `url`, `attempt`, `atMs`, `outcome`,
 * `error`, optionally `durationMs` and `nextRetryAt`).
 */
function recordOf({ deliveryId, eventId: evId, eventType, endpointId, url, attempt, atMs, durationMs = 0, outcome, error = null, nextRetryAt = null }) {
  return {
    deliveryId,
    eventId: evId,
    eventType,
    endpointId,
    url,
    attempt,
    attemptedAt: isoTime(atMs),
    attemptedAtMs: atMs,
    durationMs,
    status: null,
    outcome,
    error,
    requestHeaders: null,
    responseHeaders: null,
    responseBody: null,
    responseBodyTruncated: false,
    nextRetryAt,
    signature: null,
  };
}

/** `read()`, or `fallback` when it throws. */
function safely(read, fallback) {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/** `text` (a platform's error message) without the credentials of `url`, which it may quote. */
function withoutCredentials(text, url) {
  let u;
  try {
    u = new URL(String(url));
  } catch {
    return text;
  }
  let out = text;
  for (const part of [u.password, u.username, safeDecode(u.password), safeDecode(u.username)]) {
    if (part) out = out.split(part).join("***");
  }
  return out;
}

function safeDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function keysFrom(resolved) {
  return typeof resolved === "string" || resolved instanceof Uint8Array ? { secret: resolved } : resolved;
}

/** Bun's resolver in `dns.lookup`'s shape, or null outside Bun. */
function bunLookup() {
  const lookup = globalThis.Bun?.dns?.lookup;
  if (typeof lookup !== "function") return null;
  return (hostname, _options, callback) => {
    lookup.call(globalThis.Bun.dns, hostname).then(
      (list) => callback(null, list.map((a) => ({ address: a.address, family: a.family }))),
      (err) => callback(err),
    );
  };
}

/** Node's `dns.lookup` wrapped so that every address it gives is judged before connecting. */
function guardedLookup(lookup, ssrf) {
  return (hostname, options, callback) => {
    let answered = false;
    const answer = (...args) => {
      if (answered) return;
      answered = true;
      callback(...args);
    };
    try {
      lookup(hostname, { ...options, all: true }, (err, addresses) => judge(hostname, options, err, addresses, answer));
    } catch (e) {
      answer(e instanceof Error ? e : new Error(String(e)));
    }
  };
  function judge(hostname, options, err, addresses, callback) {
    if (err) return callback(err);
    const list = Array.isArray(addresses) ? addresses : [{ address: addresses, family: options?.family ?? 4 }];
    if (list.length === 0) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }));
    for (const a of list) {
      try {
        checkResolved(hostname, a?.address, ssrf);
      } catch (e) {
        return callback(Object.assign(e, { address: a?.address }));
      }
    }
    if (options?.all) callback(null, list);
    else callback(null, list[0].address, list[0].family);
  }
}

/**
 * Create a dispatcher. See docs/sending.md ("The dispatcher") for every option.
 * @param {import("./index.d.ts").DispatcherOptions} options
 */
export function createDispatcher(options = {}) {
  const fetchFn = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (typeof fetchFn !== "function") throw invalidArgument("createDispatcher: no fetch function available; pass options.fetch");
  const platformFetch = options.fetch === undefined || options.fetch === globalThis.fetch;
  const clock = options.clock ?? (() => Date.now());
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? defaultRandom;
  if (options.envelope?.offload !== undefined) {
    throw invalidArgument("createDispatcher: envelope.offload is not supported; build the envelope with buildEnvelope(event, { offload }), store envelope.offloaded, then dispatch the envelope");
  }
  const builder = new EnvelopeBuilder(options.envelope);
  const timeoutMs = options.timeoutMs ?? 15_000;
  if (typeof timeoutMs !== "number" || !(timeoutMs >= 1 && timeoutMs <= MAX_TIMER_MS)) {
    throw invalidArgument("createDispatcher: timeoutMs must be a number of milliseconds from 1 to 2147483647");
  }
  const deadlines = timeouts(timeoutMs, globalThis.navigator?.userAgent !== "Cloudflare-Workers");
  const concurrency = options.concurrency ?? 10;
  const wholeOrInfinity = (n) => typeof n === "number" && n >= 1 && (Number.isInteger(n) || n === Infinity);
  if (!wholeOrInfinity(concurrency)) {
    throw invalidArgument("createDispatcher: concurrency must be a whole number of 1 or more (or Infinity)");
  }
  const perEndpoint = options.perEndpointConcurrency ?? Math.max(1, Math.ceil(concurrency / 2));
  if (!wholeOrInfinity(perEndpoint)) {
    throw invalidArgument("createDispatcher: perEndpointConcurrency must be a whole number of 1 or more (or Infinity)");
  }
  const userAgent = options.userAgent ?? "hookline";
  if (typeof userAgent !== "string" || !HEADER_VALUE.test(userAgent)) {
    throw invalidArgument("createDispatcher: userAgent must be a string without control characters");
  }
  const eventTypeHeader = options.eventTypeHeader ?? "webhook-event-type";
  if (typeof eventTypeHeader !== "string" || !HEADER_NAME.test(eventTypeHeader) || FIXED_HEADERS.includes(eventTypeHeader.toLowerCase())) {
    throw invalidArgument(`createDispatcher: eventTypeHeader must be an HTTP header name other than ${FIXED_HEADERS.join(", ")}`);
  }
  if (options.retries != null && options.retries !== "inline" && options.retries !== "none") {
    throw invalidArgument('createDispatcher: retries must be "inline" (the default) or "none"');
  }
  for (const name of ["onAttempt", "onError", "resolveKeys", "lookup"]) {
    if (options[name] != null && typeof options[name] !== "function") throw invalidArgument(`createDispatcher: ${name} must be a function`);
  }
  const { onAttempt, onError, resolveKeys } = options;
  const ssrf = options.ssrf === false ? false : options.ssrf ?? {};
  const retry = options.retry ?? "standard-webhooks";
  const healthPolicy = options.health?.policy;
  // Every policy and the guard options are checked here, once, by the core: a bad one throws
  // (SenderError, invalid_policy / invalid_argument) from createDispatcher, not per attempt.
  new DeliveryEndpoint({ url: "https://example.com/", secret: PROBE_SECRET, retry, healthPolicy, ssrf }).free();
  // How long the head of an ordering key may keep failing (jobs with headSinceMs): the core's.
  const ordering = checkOrderingPolicy(options.ordering);

  // In Node the platform fetch connects through an agent whose lookup judges every address the
  // name resolves to, so the address connected is the address checked (no second resolution).
  // The same agent sends every request there, through its own request API (fetch costs
  // several times more per request in Node).
  let agent = null;
  let agentReady = null;
  const nodeAgent = platformFetch && isNodeFetch();
  const nodeGuard = ssrf !== false && nodeAgent;
  function connectAgent() {
    agentReady ??= (async () => {
      const key = Symbol.for("undici.globalDispatcher.1");
      // Node makes its global agent on first use; a data: URL is enough to make it.
      if (!globalThis[key]) await globalThis.fetch("data:,").catch(() => {});
      const Agent = globalThis[key]?.constructor;
      const dns = globalThis.process?.getBuiltinModule?.("node:dns");
      const lookup = options.lookup ?? dns?.lookup;
      if (typeof Agent !== "function" || typeof Agent.prototype.request !== "function" || (nodeGuard && typeof lookup !== "function")) {
        throw new SenderError("invalid_argument", "this Node has no connect-time address check (it needs Node 20.16 or later); pass ssrf: false or options.fetch");
      }
      agent = new Agent({ connect: { timeout: timeoutMs, ...(nodeGuard ? { lookup: guardedLookup(lookup, ssrf) } : {}) } });
    })();
    return agentReady;
  }
  // Elsewhere, an injected `lookup` (in Bun, by default, Bun's resolver) is asked before the
  // request and its addresses judged; the platform's fetch then resolves the name again.
  const preLookup = ssrf !== false && !nodeGuard ? options.lookup ?? (platformFetch ? bunLookup() : null) : null;

  // One request in flight per slot: `concurrency` in all, `perEndpoint` to one endpoint.
  const limited = slots(concurrency, perEndpoint);

  // Per endpoint id: the core's endpoint and what it was made from.
  const endpoints = new Map();

  /**
   * The core's endpoint for `id`, made again from `keys`. The health this process has kept goes
   * on, unless `renewed`: a new revision of the endpoint (its owner enabled it, changed its URL)
   * starts from the stored health, which the change reset.
   */
  function makeEndpoint(id, setup, keys, url, health, { revision, renewed = false, expiresAtMs } = {}) {
    const old = endpoints.get(id);
    const { health: _storedHealth, expiresAtMs: _expires, ssrf: own, ...signing } = keys;
    // `ssrf: false` from resolveKeys: a URL its operator set (never an API caller's), which the
    // guard against callers' URLs does not judge, neither here nor at connect time.
    const trusted = own === false && setup === null;
    const core = new DeliveryEndpoint({ ...signing, url, retry, healthPolicy, ssrf: trusted ? false : ssrf, health: old && !renewed ? old.core.health : health });
    // NOTE: the old endpoint is not freed here: an attempt in flight may still hold it. The
    // glue's FinalizationRegistry frees it once nothing does.
    const entry = { core, setup, secretVersion: keys.secretVersion, jobUrl: String(url), revision, expiresAtMs, trusted };
    endpoints.set(id, entry);
    return entry;
  }

  /** The endpoint for an in-memory subscription, made again when its URL or keys change. */
  function endpointOf(sub) {
    const setup = setupOf(sub);
    const entry = endpoints.get(sub.id);
    if (entry && entry.setup === setup) return entry;
    return makeEndpoint(sub.id, setup, sub, sub.url, sub.health);
  }

  /**
   * The endpoint for a job: the one held at that secret version and URL, else made from
   * `resolveKeys` (asked once for attempts that arrive together).
   */
  // A job's endpoint is the one held while the job names the same secret version, URL and
  // revision, and its keys have not expired (a rotated-out secret's grace period ended).
  const resolving = new Map();
  function endpointForJob(job) {
    const entry = endpoints.get(job.endpointId);
    if (
      entry &&
      entry.secretVersion === job.secretVersion &&
      entry.jobUrl === job.url &&
      entry.revision === job.revision &&
      !(entry.expiresAtMs <= clock())
    ) {
      return Promise.resolve(entry);
    }
    const key = JSON.stringify([job.endpointId, job.secretVersion, job.url, job.revision]);
    let pending = resolving.get(key);
    if (!pending) {
      pending = resolvedEndpoint(job, entry).finally(() => resolving.delete(key));
      resolving.set(key, pending);
    }
    return pending;
  }

  async function resolvedEndpoint(job, before) {
    if (!resolveKeys) {
      throw new SenderError("keys_unavailable", `no keys for endpoint ${job.endpointId}: pass resolveKeys to createDispatcher`);
    }
    let keys;
    try {
      keys = keysFrom(await resolveKeys(job.endpointId, job.secretVersion));
    } catch (cause) {
      // The endpoint itself is gone (a store's keysFor says not_found): nothing to send to.
      if (cause?.code === "not_found") throw cause;
      throw Object.assign(new SenderError("keys_unavailable", `resolveKeys failed for endpoint ${job.endpointId}`), { cause });
    }
    if (keys == null || typeof keys !== "object") {
      throw new SenderError("keys_unavailable", `resolveKeys gave no keys for endpoint ${job.endpointId}`);
    }
    try {
      // Stored health may come with the keys (a store's `keysFor`): a new process carries on from
      // it, and so does this one when the job names a new revision of the endpoint.
      const renewed = before !== undefined && before.revision !== job.revision;
      const expiresAtMs = typeof keys.expiresAtMs === "number" ? keys.expiresAtMs : undefined;
      return makeEndpoint(job.endpointId, null, { ...keys, secretVersion: job.secretVersion }, job.url, keys.health, { revision: job.revision, renewed, expiresAtMs });
    } catch (cause) {
      // The core's own refusal (a malformed secret: invalid_secret) is already typed.
      if (cause instanceof SenderError || typeof cause?.code === "string") throw cause;
      throw Object.assign(new SenderError("keys_unavailable", `resolveKeys gave unreadable keys for endpoint ${job.endpointId}`), { cause });
    }
  }

  /**
   * The record and result of an attempt that did not start (`why`: "endpoint_gone",
   * "keys_unavailable") or whose worker stopped during it ("worker_lost"): the core plans it
   * like any other, and nothing is sent.
   */
  async function unstarted(job, why, error, cause) {
    const now = clock();
    const finished = inOrder(job, unstartedAttempt(retry, job.attempt, why, now, random() >>> 0), now);
    const startedAt = why === "worker_lost" && Number.isFinite(job.startedAtMs) ? job.startedAtMs : now;
    const record = recordOf({
      deliveryId: job.deliveryId,
      eventId: job.envelope.id,
      eventType: job.envelope.type,
      endpointId: job.endpointId,
      url: safely(() => redactedHref(new URL(String(job.url))), ""),
      attempt: job.attempt,
      atMs: startedAt,
      durationMs: Math.max(0, now - startedAt),
      outcome: finished.outcome,
      error: error ? `${finished.error} (${error})` : finished.error,
      nextRetryAt: finished.plan.kind === "retry" ? isoTime(finished.plan.atMs) : null,
    });
    if (onAttempt) await emit(record);
    const plan = finished.plan;
    const next = plan.kind === "retry" ? { ...job, attempt: plan.attempt, notBeforeMs: plan.atMs } : undefined;
    if (next) delete next.lost;
    // `cause` (why the keys could not be had) is the caller's to log; the record never holds it.
    return cause === undefined ? { record, plan, state: finished.state, next } : { record, plan, state: finished.state, next, cause };
  }

  function reportError(error, record) {
    try {
      if (onError) onError(error, record);
      else console.error(`hookline: onAttempt failed for ${record.deliveryId} attempt ${record.attempt}:`, error);
    } catch {
      // The error reporter itself failed; nothing further to tell.
    }
  }

  async function emit(record) {
    try {
      const r = onAttempt(record);
      if (r !== null && typeof r === "object" && typeof r.then === "function") await r;
    } catch (e) {
      reportError(e, record);
    }
  }

  /**
   * Where no connect-time check exists: resolve with `lookup` (within `timeoutMs`) and judge every
   * address. Resolves with null (send), `{ finished }` (refused: blocked) or `{ outcome, error }`
   * (no usable answer: the attempt fails without sending, as fetch would have).
   */
  function preChecked(entry, url) {
    const host = new URL(url).hostname;
    if (host.startsWith("[") || /^[0-9.]+$/.test(host)) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ outcome: { kind: "timeout" }, error: `lookup of ${host} timed out after ${timeoutMs} ms` }), timeoutMs);
      const settle = (value) => {
        clearTimeout(timer);
        resolve(value);
      };
      const failed = (why) => settle({ outcome: { kind: "networkError" }, error: `lookup of ${host} failed: ${why}` });
      try {
        preLookup(host, { all: true }, (err, addresses) => {
          if (err) return failed(String(err?.code ?? err?.message ?? err));
          const list = Array.isArray(addresses) ? addresses.map((a) => a?.address) : [addresses];
          if (list.length === 0) return failed("no address");
          for (const address of list) {
            try {
              entry.core.checkAddress(address);
            } catch (e) {
              if (e?.code !== "target_not_allowed") return failed(`unreadable address ${String(address)}`);
              return settle({ finished: entry.core.refusedAddress(address) });
            }
          }
          settle(null);
        });
      } catch (e) {
        failed(String(e?.message ?? e));
      }
    });
  }

  /** One HTTP attempt: the record and the core's result. Never throws for the endpoint. */
  async function tryOnce(job, entry) {
    const started = clock();
    const envelope = job.envelope;
    const record = recordOf({
      deliveryId: job.deliveryId,
      eventId: envelope.id,
      eventType: envelope.type,
      endpointId: job.endpointId,
      url: entry.core.url,
      attempt: job.attempt,
      atMs: started,
      outcome: "failed",
    });
    const begun = entry.core.begin(job.attempt, started, envelope.id, envelope.body);
    if (begun.kind === "skip") return { record, finished: begun };
    let checked = null;
    if (preLookup && !entry.trusted) checked = await preChecked(entry, job.url);
    if (checked?.finished) return { record, finished: checked.finished };
    if (checked?.outcome) {
      // The lookup gave nothing usable: nothing was sent; the core plans as for a network error.
      record.error = checked.error;
      const ended = clock();
      record.durationMs = Math.max(0, ended - started);
      return { record, finished: entry.core.finish(job.attempt, checked.outcome, ended, random() >>> 0) };
    }
    const signed = begun.headers;
    record.signature = signed["webhook-signature"] ?? Object.values(signed)[0] ?? null;
    const headers = {
      "content-type": "application/json",
      "user-agent": userAgent,
      [eventTypeHeader]: envelope.type,
      "webhook-delivery-id": job.deliveryId,
      ...signed,
    };
    // Each attempt is a new span of the publisher's trace: a child of its traceparent, with 8
    // random bytes as its id (the core writes the header).
    if (job.traceparent) headers.traceparent = traceChild(job.traceparent, globalThis.crypto.getRandomValues(new Uint8Array(8)));
    record.requestHeaders = headers;
    const viaAgent = !entry.trusted;
    if (viaAgent && nodeAgent && agent === null) await connectAgent();
    let outcome;
    let finished;
    const slot = deadlines.start();
    const signal = slot.controller.signal;
    try {
      let status;
      let retryAfter;
      let body = null;
      if (agent && viaAgent) {
        // Node: the agent's own request API (no fetch Response, no body tee, no redirect
        // following: a 3xx is an answer like any other), through the guarded connect lookup.
        const { origin, pathname, search } = new URL(job.url);
        const asked = agent.request({ origin, path: pathname + search, method: "POST", headers, body: envelope.body, signal });
        // The deadline also covers a connect the signal does not reach (a lookup that hangs);
        // an answer that comes after it is dropped.
        const answer = await Promise.race([asked, deadlineOf(slot)]);
        if (answer === STOP) {
          asked.then((late) => late.body.destroy(), () => {});
          throw new Error("timed out");
        }
        status = answer.statusCode;
        retryAfter = answer.headers["retry-after"];
        record.responseHeaders = responseHeaders(answer.headers);
        body = streamBody(answer.body, answer.headers);
      } else {
        // A redirect is an answer, never followed.
        const response = await fetchFn(job.url, { method: "POST", headers, body: envelope.body, redirect: "manual", signal });
        // Browsers hide manual redirects as status 0 "opaqueredirect": still a redirect.
        status = response.type === "opaqueredirect" ? 302 : response.status;
        retryAfter = response.headers?.get?.("retry-after");
        record.responseHeaders = responseHeaders(response.headers);
        if (response.body) body = fetchBody(response);
      }
      // The outcome is the status, decided once the headers are in: a slow body cannot turn a
      // delivered attempt into a timeout.
      outcome = { kind: "status", status };
      if (status >= 300 && retryAfter) outcome.retryAfter = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
      record.status = status;
      if (body) {
        const read = await snippet(...body, SNIPPET_BYTES, slot);
        record.responseBody = read.text;
        record.responseBodyTruncated = read.truncated;
        if (read.late) record.error = `response body not read within ${timeoutMs} ms (cancelled)`;
      } else record.responseBody = "";
    } catch (e) {
      // fetch wraps the client's error as its cause; the agent's request throws it as it is.
      const cause = agent && viaAgent ? e : e?.cause;
      const refusedAt = cause?.code === "target_not_allowed" ? cause.address : undefined;
      if (typeof refusedAt === "string") {
        // Refused at connect: nothing was sent, so the record shows no request (as for an
        // address refused before the attempt began).
        record.requestHeaders = null;
        record.signature = null;
        finished = entry.core.refusedAddress(refusedAt);
      } else if (signal.aborted) {
        outcome = { kind: "timeout" };
        record.error = `timed out after ${timeoutMs} ms`;
      } else {
        outcome = { kind: "networkError" };
        record.error = withoutCredentials(String(cause?.code ?? e?.message ?? e), job.url);
      }
    } finally {
      deadlines.end(slot);
    }
    const ended = clock();
    record.durationMs = Math.max(0, ended - started);
    if (!finished) {
      try {
        finished = entry.core.finish(job.attempt, outcome, ended, random() >>> 0);
      } catch (e) {
        // A status no HTTP response carries (a broken fetch): counted as no response.
        record.error = `${e.code ?? "invalid_argument"}: ${e.message}`;
        finished = entry.core.finish(job.attempt, { kind: "networkError" }, ended, random() >>> 0);
      }
    }
    return { record, finished };
  }

  /**
   * The result for a job that heads an ordering key (`headSinceMs`): the core gives it up once
   * its next attempt would pass the ordering policy's maxBlockMs, so the rest of its key can go.
   */
  function inOrder(job, finished, now) {
    return typeof job.headSinceMs === "number" ? orderedAttempt(finished, job.headSinceMs, now, ordering) : finished;
  }

  /**
   * One attempt of a job, in its slots, logged: the record, the plan, the next job if any, and
   * the operational event the core made of the result (a warning, a disabling, a recovery).
   */
  async function step(job, entry) {
    const { record, finished: attempted } = await limited(job.endpointId, () => tryOnce(job, entry));
    const finished = inOrder(job, attempted, record.attemptedAtMs + record.durationMs);
    record.outcome = finished.outcome;
    if (finished.error) record.error = finished.error;
    const plan = finished.plan;
    if (plan.kind === "retry") record.nextRetryAt = isoTime(plan.atMs);
    if (onAttempt) await emit(record);
    const next = plan.kind === "retry" ? { ...job, attempt: plan.attempt, notBeforeMs: plan.atMs } : undefined;
    return { record, plan, state: finished.state, next, event: finished.event };
  }

  /** A job for one envelope and one subscription: plain JSON, no secret, safe to put on a queue. */
  function makeJob(envelope, subscription, deliveryId) {
    const body = typeof envelope.body === "string" ? envelope.body : decoder.decode(envelope.body);
    const job = {
      deliveryId: deliveryId ?? eventId("dlv_", { now: clock() }),
      attempt: 1,
      endpointId: subscription.id,
      url: String(subscription.url),
      envelope: { id: envelope.id, type: envelope.type, body },
    };
    if (subscription.secretVersion !== undefined) job.secretVersion = subscription.secretVersion;
    return job;
  }

  async function deliver(job, entry, records) {
    let current = job;
    for (;;) {
      const { record, plan, next } = await step(current, entry);
      records.push(record);
      if (plan.kind !== "retry" || options.retries === "none") return { plan, job: next };
      // Waiting holds no slot.
      await sleep(plan.delayMs);
      current = next;
    }
  }

  async function dispatchEnvelope(envelope, matched) {
    const records = [];
    const one = async (sub) => {
      let entry;
      let job;
      try {
        entry = endpointOf(sub);
        job = makeJob(envelope, sub);
      } catch (e) {
        // A subscription the core cannot sign for or read: this endpoint fails, the others go on.
        // Its fields are read defensively: a getter that threw once may throw again.
        const code = typeof e?.code === "string" ? e.code : "invalid_argument";
        const now = clock();
        const record = recordOf({
          deliveryId: eventId("dlv_", { now }),
          eventId: envelope.id,
          eventType: envelope.type,
          endpointId: safely(() => String(sub.id), ""),
          url: safely(() => redactedHref(new URL(String(sub.url))), ""),
          attempt: 1,
          atMs: now,
          outcome: "failed",
          error: `${code}: ${safely(() => String(e?.message ?? e), "unreadable subscription")}`,
        });
        records.push(record);
        if (onAttempt) await emit(record);
        return { plan: { kind: "giveUp", reason: code } };
      }
      return deliver(job, entry, records);
    };
    const outcomes = matched.length === 1 ? [await one(matched[0])] : await Promise.all(matched.map(one));
    const summary = { eventId: envelope.id, matched: matched.length, delivered: 0, failed: 0, pending: 0, records, jobs: [] };
    for (const o of outcomes) {
      if (o.plan.kind === "done") summary.delivered++;
      else if (o.plan.kind === "retry") {
        summary.pending++;
        summary.jobs.push({ job: o.job, atMs: o.plan.atMs });
      } else summary.failed++;
    }
    return summary;
  }

  const buildEnvelope = (event) => {
    let json;
    try {
      json = JSON.stringify(event);
    } catch {
      // left undefined: the general path throws the typed error
    }
    return typeof json === "string" ? builder.buildText(json, clock()) : builder.build(event, { now: clock() });
  };

  return {
    async dispatch(event, subscriptions) {
      const envelope = event?.body !== undefined && event?.id ? event : buildEnvelope(event);
      const meta = { type: envelope.type, tenant: envelope.tenant, channels: envelope.channels ?? [] };
      const matched = subscriptions instanceof Matcher ? subscriptions.match(meta) : matchSubscriptions(meta, subscriptions);
      return dispatchEnvelope(envelope, matched);
    },
    async attempt(job) {
      if (job === null || typeof job !== "object") throw invalidArgument("attempt(job): job must be an object from makeJob or a store's claim");
      if (job.lost === true) return unstarted(job, "worker_lost");
      if (job.endpointGone === true) return unstarted(job, "endpoint_gone");
      let entry;
      try {
        entry = await endpointForJob(job);
      } catch (e) {
        if (e?.code === "not_found") return unstarted(job, "endpoint_gone");
        // No keys now: recorded and planned by the core. The record keeps a code at most (never
        // a resolver's message, which may quote a secret); the error itself goes back as `cause`.
        return unstarted(job, "keys_unavailable", e?.code === "keys_unavailable" ? undefined : safely(() => String(e?.code ?? e?.name ?? "error"), "error"), e);
      }
      // The health a store holds for the endpoint, when ahead of this process's (another worker
      // recorded a later result, or disabled it): the core's merge.
      if (job.health !== undefined && job.health !== null) entry.core.adopt(job.health);
      const { record, plan, state, next, event } = await step(job, entry);
      return {
        record,
        plan,
        state,
        next,
        event,
        get health() {
          return entry.core.health;
        },
        get enabled() {
          return entry.core.enabled;
        },
      };
    },
    /** Each attempt's request timeout (ms): a worker's lease must be at least twice as long. */
    timeoutMs,
    /** The attempts it runs at once, in all and to one endpoint: a worker claims no more. */
    concurrency,
    perEndpointConcurrency: perEndpoint,
    makeJob,
    /** How long a queue should still hold `job` (ms, at most `maxMs`), or null when it is due. */
    holdFor(job, maxMs = MAX_TIMER_MS) {
      return job.notBeforeMs === undefined ? null : nextWait(job.notBeforeMs, clock(), maxMs) ?? null;
    },
    async redeliver(record, subscription, envelope) {
      if (!envelope?.body) throw invalidArgument("redeliver needs the stored envelope ({ id, type, body })");
      if (envelope.id !== record.eventId) throw invalidArgument("the envelope is not the record's event");
      return dispatchEnvelope(envelope, [subscription]);
    },
    health(endpointId) {
      return endpoints.get(endpointId)?.core.health;
    },
  };
}
