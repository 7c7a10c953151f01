// The delivery edge: the core decides (envelope, matching, signing, SSRF, retry, health), this file
// does the I/O through functions the caller may replace: fetch, clock, sleep, random.
// It is bundled into every entry point next to the wasm-bindgen glue.
import {
  __buildEnvelopeText,
  __DeliveryEndpoint,
  __HealthPolicy,
  checkTarget,
  EnvelopeBuilder,
  eventId,
  Matcher,
  matchSubscriptions,
  RetryPlanner,
} from "./hookline_bg.js";

const SNIPPET_BYTES = 512;
const decoder = new TextDecoder();

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
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Read at most `limit` bytes of a response body as text, then stop reading. */
async function snippet(response, limit) {
  // A small declared body is read whole, which also lets the connection be reused.
  const declared = Number(response.headers?.get?.("content-length"));
  if (Number.isFinite(declared) && declared <= 65536) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    return decoder.decode(bytes.subarray(0, limit));
  }
  const reader = response.body.getReader();
  const chunks = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(Math.min(size, limit));
  let at = 0;
  for (const c of chunks) {
    const take = Math.min(c.length, all.length - at);
    all.set(c.subarray(0, take), at);
    at += take;
    if (at >= all.length) break;
  }
  return decoder.decode(all);
}

/**
 * Request timeouts. An AbortSignal is costly to make in Node (an EventTarget each), more than the
 * rest of an attempt's own work, so where it is `shared`, requests that start within the same
 * short window (at most 10 ms, and a twentieth of the timeout) share one AbortController, up to
 * SHARED_SIGNAL_MAX of them: an injected fetch that adds an abort listener per request then stays
 * under Node's EventTarget listener warning (10), which undici's fetch raises for itself. When the
 * window closes, a timer aborts it `timeoutMs` later if any of its requests is still waiting; once
 * the last of them ends, that timer is cleared. Each request thus gets at least `timeoutMs` and at
 * most `timeoutMs` plus the window, and no timer outlives the requests. Not shared, each request
 * has its own controller and timer (Workers: a timer belongs to the request that set it).
 */
const SHARED_SIGNAL_MAX = 8;

function timeouts(timeoutMs, shared) {
  if (!shared) {
    return {
      start() {
        const controller = new AbortController();
        return { controller, timer: setTimeout(() => controller.abort(), timeoutMs) };
      },
      end: (slot) => clearTimeout(slot.timer),
    };
  }
  const windowMs = Math.min(10, Math.floor(timeoutMs / 20));
  // The window requests join; a window not `open` is closed (a new one opens only after).
  let open = null;
  const close = (w) => {
    if (open !== w) return;
    open = null;
    if (w.pending > 0) w.deadline = setTimeout(() => w.controller.abort(), timeoutMs);
  };
  return {
    /** The window a request starting now belongs to; give it back with `end`. */
    start() {
      const now = Date.now();
      // A late window timer (a busy event loop) must not stretch the window.
      if (open !== null && (now - open.openedAt > windowMs || open.started >= SHARED_SIGNAL_MAX)) close(open);
      if (open === null) {
        const w = { controller: new AbortController(), openedAt: now, started: 0, pending: 0, deadline: undefined };
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
 * A semaphore for bounded concurrency. A slot that ends passes straight to the oldest waiting
 * task, so a task arriving meanwhile cannot take it and put one more than `max` in flight. Tasks
 * return promises; the semaphore adds no async layer of its own.
 */
function limiter(max) {
  let active = 0;
  const waiting = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  const go = (task) => {
    let promise;
    try {
      promise = Promise.resolve(task());
    } catch (e) {
      release();
      return Promise.reject(e);
    }
    promise.then(release, release);
    return promise;
  };
  return (task) => {
    if (active < max) {
      active++;
      return go(task);
    }
    return new Promise((resolve) => waiting.push(resolve)).then(() => go(task));
  };
}

/** A Map that forgets its oldest entry past `max`: answers that are cheap to compute again. */
function boundedCache(max) {
  const map = new Map();
  return {
    get: (key) => map.get(key),
    set(key, value) {
      map.set(key, value);
      if (map.size > max) map.delete(map.keys().next().value);
      return value;
    },
  };
}

// What a subscription signs with: when it changes (an edited secret, a job read back from a queue
// with new keys), the endpoint is re-keyed; equal text, equal keys.
function signingKeyOf(sub) {
  return JSON.stringify([sub.scheme, sub.format, sub.secret, sub.secrets, sub.custom]);
}

// `secrets` and `custom` may be changed in place, so only a subscription without them can be
// compared field by field.
const stringKeysOnly = (sub) => sub.secrets === undefined && sub.custom === undefined;

// The same keys as when `entry` was keyed, told without JSON for string-only keys.
function sameKeys(entry, sub) {
  return stringKeysOnly(sub) && entry.simple !== null
    ? entry.simple.scheme === sub.scheme && entry.simple.format === sub.format && entry.simple.secret === sub.secret
    : entry.key === signingKeyOf(sub);
}

function keyed(entry, sub) {
  entry.key = signingKeyOf(sub);
  entry.simple = stringKeysOnly(sub) ? { scheme: sub.scheme, format: sub.format, secret: sub.secret } : null;
  return entry;
}

/** Whether globalThis.fetch is Node's own (undici), not Deno's, Bun's, a browser's or workerd's. */
function isNodeFetch() {
  const p = globalThis.process;
  return typeof p?.versions?.undici === "string" && globalThis.Deno === undefined && globalThis.Bun === undefined;
}

/** A TypeError with the stable code of a bad option. */
const invalidArgument = (message) => Object.assign(new TypeError(message), { code: "invalid_argument" });

/**
 * `new Date(ms).toISOString()`, with the part up to the second made once per second: two of
 * these are on every attempt's path, and Date's formatter is slow in V8.
 */
let isoSecond = NaN;
let isoPrefix = "";
function isoTime(ms) {
  const t = Math.trunc(ms); // as Date does with a fraction of a millisecond
  const second = Math.floor(t / 1000);
  if (second !== isoSecond || !Number.isFinite(t)) {
    const full = new Date(t).toISOString(); // throws RangeError for an invalid time, as before
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

const OUTCOMES = { delivered: "delivered", retry: "retry", giveUp: "failed", disableEndpoint: "endpointDisabled" };

/**
 * Create a dispatcher. See the README's "Deliver" section for every option.
 * @param {import("./index.d.ts").DispatcherOptions} options
 */
export function createDispatcher(options = {}) {
  const fetchFn = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (typeof fetchFn !== "function") throw new TypeError("createDispatcher: no fetch function available; pass options.fetch");
  // Node's own fetch (undici) copies the request body stream (a tee) for every request whose
  // redirect mode is not "error", which costs about a sixth of a small delivery's time. There the
  // dispatcher asks with "error" and, when an endpoint redirects, sends that request once more
  // with "manual" to record the answer (see tryOnce). Redirects are followed in neither mode.
  const redirectMode = (options.fetch === undefined || options.fetch === globalThis.fetch) && isNodeFetch() ? "error" : "manual";
  const clock = options.clock ?? (() => Date.now());
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? defaultRandom;
  // The policy is checked here, once: a bad one throws invalid_policy from createDispatcher.
  const planner = new RetryPlanner(options.retry ?? "standard-webhooks");
  // Offloaded parts must be stored before the envelope that points at them is sent, and a
  // dispatcher cannot upload them: such envelopes are built with buildEnvelope and dispatched built.
  if (options.envelope?.offload !== undefined) {
    throw invalidArgument("createDispatcher: envelope.offload is not supported; build the envelope with buildEnvelope(event, { offload }), store envelope.offloaded, then dispatch the envelope");
  }
  const builder = new EnvelopeBuilder(options.envelope);
  const timeoutMs = options.timeoutMs ?? 15_000;
  // setTimeout takes at most 2^31 - 1 ms (about 24.8 days) and fires at once past it.
  if (typeof timeoutMs !== "number" || !(timeoutMs >= 1 && timeoutMs <= 2 ** 31 - 1)) {
    throw invalidArgument("createDispatcher: timeoutMs must be a number of milliseconds from 1 to 2147483647");
  }
  const deadlines = timeouts(timeoutMs, globalThis.navigator?.userAgent !== "Cloudflare-Workers");
  const concurrency = options.concurrency ?? 10;
  // NaN (say, Number() of an unset variable) would let no delivery start, silently.
  if (typeof concurrency !== "number" || !(concurrency >= 1) || !(Number.isInteger(concurrency) || concurrency === Infinity)) {
    throw invalidArgument("createDispatcher: concurrency must be a whole number of 1 or more (or Infinity)");
  }
  const userAgent = options.userAgent ?? "hookline";
  // Checked here, once: fetch would refuse them on every attempt, which would read as network
  // errors and be retried until given up.
  if (typeof userAgent !== "string" || !HEADER_VALUE.test(userAgent)) {
    throw invalidArgument("createDispatcher: userAgent must be a string without control characters");
  }
  const onAttempt = options.onAttempt;
  const ssrf = options.ssrf === false ? null : options.ssrf ?? {};
  // Bad guard options throw here (invalid_argument), not as a blocked record per endpoint later.
  if (ssrf) checkTarget("https://example.com/", ssrf);
  if (options.retries != null && options.retries !== "inline" && options.retries !== "none") {
    throw invalidArgument('createDispatcher: retries must be "inline" (the default) or "none"');
  }
  // Read and checked once: a bad health policy throws here (invalid_argument), not as a failed
  // attempt per endpoint.
  const healthPolicy = new __HealthPolicy({ policy: options.health?.policy });
  const eventTypeHeader = options.eventTypeHeader ?? "webhook-event-type";
  if (typeof eventTypeHeader !== "string" || !HEADER_NAME.test(eventTypeHeader) || FIXED_HEADERS.includes(eventTypeHeader.toLowerCase())) {
    throw invalidArgument(`createDispatcher: eventTypeHeader must be an HTTP header name other than ${FIXED_HEADERS.join(", ")}`);
  }
  const run = limiter(concurrency);
  // Per endpoint id, in wasm: keys decoded once, the health, the retry policy. SSRF verdicts are
  // kept per URL (a pure function of the URL and the options, so caching cannot change one).
  const endpoints = new Map();
  const verdicts = boundedCache(4096);
  // URLs that answered a redirect, which are then asked with redirect mode "manual" at once.
  const redirecting = boundedCache(1024);

  const endpointOf = (sub) => {
    let entry = endpoints.get(sub.id);
    if (!entry) {
      entry = keyed({ core: new __DeliveryEndpoint(sub, planner, healthPolicy) }, sub);
      endpoints.set(sub.id, entry);
    } else if (!sameKeys(entry, sub)) {
      entry.core.rekey(sub);
      keyed(entry, sub);
    }
    return entry.core;
  };
  // The event's JSON text goes to the core as is; what JSON.stringify cannot write (a BigInt, a
  // cycle, no event at all) goes the general way, which throws the typed error.
  const buildEnvelope = (event) => {
    let json;
    try {
      json = JSON.stringify(event);
    } catch {
      // left undefined
    }
    return typeof json === "string" ? __buildEnvelopeText(builder, json, clock()) : builder.build(event, { now: clock() });
  };
  const targetProblem = (url) => {
    let verdict = verdicts.get(url);
    if (verdict === undefined) {
      try {
        checkTarget(url, ssrf);
        verdict = null;
      } catch (e) {
        verdict = `${e.code}: ${e.message}`;
      }
      verdicts.set(url, verdict);
    }
    return verdict;
  };

  /** One HTTP attempt; returns the record and the core's decision. Never throws for the endpoint. */
  async function tryOnce(job) {
    const { subscription: sub, envelope } = job;
    const started = clock();
    const record = {
      deliveryId: job.deliveryId,
      eventId: envelope.id,
      eventType: envelope.type,
      endpointId: sub.id,
      url: sub.url,
      attempt: job.attempt,
      attemptedAt: isoTime(started),
      attemptedAtMs: started,
      durationMs: 0,
      status: null,
      outcome: "failed",
      error: null,
      responseBody: null,
      nextRetryAt: null,
      signature: null,
    };
    let decision;
    let endpoint;
    try {
      endpoint = endpointOf(sub);
    } catch (e) {
      // A subscription the core cannot sign for (no or a malformed secret): this endpoint fails,
      // the others go on.
      record.error = `${e.code}: ${e.message}`;
      return { record, decision: { kind: "giveUp", reason: e.code ?? "invalid_secret" } };
    }
    // Admission and signing in one call; null means not now, and the details say why.
    const body = envelope.body; // a string is sent as is: fetch and the signer both write UTF-8
    const signed = endpoint.prepare(started, body, envelope.id, Math.floor(started / 1000));
    if (signed === null) {
      const admission = endpoint.admission(started);
      if (admission.kind === "disabled") {
        record.outcome = "endpointDisabled";
        record.error = `endpoint disabled (${admission.reason})`;
        return { record, decision: { kind: "giveUp", reason: "endpoint_disabled" } };
      }
      record.outcome = "circuitOpen";
      record.error = "circuit breaker open";
      decision = { kind: "retry", atMs: admission.untilMs, delayMs: Math.max(0, admission.untilMs - started), attempt: job.attempt, reason: "circuit_open" };
      record.nextRetryAt = isoTime(decision.atMs);
      return { record, decision, skipped: true };
    }
    const target = typeof sub.url === "string" ? sub.url : String(sub.url);
    const blocked = ssrf ? targetProblem(target) : null;
    if (blocked) {
      record.outcome = "blocked";
      record.error = blocked;
      return { record, decision: { kind: "giveUp", reason: "target_not_allowed" } };
    }
    record.signature = signed["webhook-signature"] ?? Object.values(signed)[0] ?? null;
    const headers = {
      "content-type": "application/json",
      "user-agent": userAgent,
      [eventTypeHeader]: envelope.type,
      "webhook-delivery-id": job.deliveryId,
      ...signed,
    };
    // What came of it, as the core's complete() takes it: failure 0 (the receiver answered
    // `status`), 1 (no response) or 2 (our timeout).
    let failure = 0;
    let status = 0;
    let retryAfter;
    const slot = deadlines.start();
    const signal = slot.controller.signal;
    try {
      const fast = redirectMode === "error" && redirecting.get(target) === undefined;
      const init = { method: "POST", headers, body, redirect: fast ? "error" : "manual", signal };
      let response;
      try {
        response = await fetchFn(sub.url, init);
      } catch (e) {
        // Mode "error" tells a redirect only by failing. The same request goes once more, not
        // following it, to record what the endpoint answered; later ones to this URL go so at once.
        if (!fast || e?.cause?.message !== "unexpected redirect" || signal.aborted) throw e;
        redirecting.set(target, true);
        response = await fetchFn(sub.url, { ...init, redirect: "manual" });
      }
      // Browsers hide manual redirects as status 0 "opaqueredirect": still a redirect.
      status = response.type === "opaqueredirect" ? 302 : response.status;
      record.status = status;
      record.responseBody = response.body ? await snippet(response, SNIPPET_BYTES) : "";
      // Retry-After only bears on a response that is not a success (the core ignores it there).
      if (status >= 300) retryAfter = response.headers?.get?.("retry-after") || undefined;
    } catch (e) {
      const timedOut = signal.aborted;
      failure = timedOut ? 2 : 1;
      record.error = timedOut ? `timed out after ${timeoutMs} ms` : String(e?.cause?.code ?? e?.message ?? e);
    } finally {
      deadlines.end(slot);
    }
    const ended = clock();
    record.durationMs = Math.max(0, ended - started);
    try {
      // The core decides what happens next and folds the result into the endpoint's health.
      decision = endpoint.complete(job.attempt, failure, status, retryAfter, ended, random() >>> 0);
    } catch (e) {
      decision = { kind: "giveUp", reason: e.code ?? "invalid_argument" };
      record.error = `${e.code}: ${e.message}`;
    }
    record.outcome = OUTCOMES[decision.kind];
    if (decision.kind === "retry") record.nextRetryAt = isoTime(decision.atMs);
    return { record, decision };
  }

  function emit(record) {
    if (onAttempt) {
      try {
        onAttempt(record);
      } catch {
        // A logging callback must not stop deliveries; the record is also in the summary.
      }
    }
  }

  /** One attempt of a job, logged: the record, the plan and the job to run next if any. */
  async function step(job) {
    const { record, decision, skipped } = await tryOnce(job);
    emit(record);
    const plan =
      decision.kind === "retry"
        ? { kind: "retry", atMs: decision.atMs, delayMs: decision.delayMs, reason: decision.reason }
        : decision.kind === "delivered"
          ? { kind: "done" }
          : decision.kind === "disableEndpoint"
            ? { kind: "disable", reason: decision.reason }
            : { kind: "giveUp", reason: decision.reason };
    const next = plan.kind === "retry" ? { ...job, attempt: skipped ? job.attempt : job.attempt + 1 } : undefined;
    return { record, plan, next };
  }

  /** One attempt of a job: the record and the plan (retry at / done / give up / disable). */
  async function attempt(job) {
    const { record, plan, next } = await step(job);
    const entry = endpoints.get(job.subscription.id);
    return {
      record,
      plan,
      next,
      // Read on demand: most callers of attempt() never look at it.
      get health() {
        return entry?.core.health;
      },
    };
  }

  /** A job for one envelope and one subscription: plain JSON, safe to put on a queue. */
  function makeJob(envelope, subscription, deliveryId) {
    const body = typeof envelope.body === "string" ? envelope.body : decoder.decode(envelope.body);
    return {
      // On the dispatcher's clock, as the event id is: ids sort by the time they were made.
      deliveryId: deliveryId ?? eventId("dlv_", { now: clock() }),
      attempt: 1,
      envelope: { id: envelope.id, type: envelope.type, body },
      subscription,
    };
  }

  async function deliver(job, records) {
    let current = job;
    for (;;) {
      const { record, plan, next } = await step(current);
      records.push(record);
      if (plan.kind !== "retry" || options.retries === "none") return { plan, job: next };
      await sleep(plan.delayMs);
      current = next;
    }
  }

  async function dispatchEnvelope(envelope, matched) {
    const records = [];
    const one = (sub) => run(() => deliver(makeJob(envelope, sub), records));
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

  return {
    /** Match, sign and deliver `event` to the subscriptions that get it; resolves with a summary. */
    async dispatch(event, subscriptions) {
      const envelope = event?.body !== undefined && event?.id ? event : buildEnvelope(event);
      const meta = { type: envelope.type, tenant: envelope.tenant, channels: envelope.channels ?? [] };
      // A Matcher built once per subscription list is the fast path for many events.
      const matched = subscriptions instanceof Matcher ? subscriptions.match(meta) : matchSubscriptions(meta, subscriptions);
      return dispatchEnvelope(envelope, matched);
    },
    attempt,
    makeJob,
    /** Send a stored event again: a new delivery id and attempt chain, the same event id. */
    async redeliver(record, subscription, envelope) {
      if (!envelope?.body) throw new TypeError("redeliver needs the stored envelope ({ id, type, body })");
      if (envelope.id !== record.eventId) throw new TypeError("the envelope is not the record's event");
      return dispatchEnvelope(envelope, [subscription]);
    },
    /** The endpoint's health as this dispatcher last saw it (plain JSON to store). */
    health(endpointId) {
      return endpoints.get(endpointId)?.core.health;
    },
  };
}
