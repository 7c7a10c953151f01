// The verify/sign benchmark core, shared by every runtime (Node, Deno, Bun, workerd). It uses only
// web-standard globals (performance or Date, TextEncoder, crypto.subtle, atob/btoa); everything
// runtime-specific (hookline's entry, node:crypto, the peer packages) is passed in by the caller,
// and whatever is missing is left out. Returns plain JSON: one entry per (group, op, size, input
// kind) with every contender's ops/s per round. Contenders of a case run interleaved, one window
// each, round after round (A, B, C, A, B, C, ...), so drift and noise hit all of them alike.
// Not a test: nothing here asserts a speed.

const enc = new TextEncoder();
const clock = typeof performance !== "undefined" && performance.now ? () => performance.now() : () => Date.now();

export const ALL_SIZES = [256, 1024, 4096, 65536, 1048576];

// JSON of exactly `size` bytes (ASCII), shaped like a real event: an envelope with an array of
// small objects (so JSON.parse has real work), padded to the byte.
export function makePayload(size) {
  const head = '{"type":"invoice.paid","timestamp":"2026-12-01T08:00:00Z","data":{"items":[';
  const mid = '],"pad":"';
  const tail = '"}}';
  let items = "";
  for (let i = 0; ; i++) {
    const item = `${i ? "," : ""}{"id":${i},"sku":"sku_${i}","qty":${i % 7},"price":${1000 + i},"ok":${i % 2 === 0}}`;
    if (head.length + items.length + item.length + mid.length + tail.length > size) break;
    items += item;
  }
  const out = head + items + mid + "x".repeat(size - head.length - items.length - mid.length - tail.length) + tail;
  if (out.length !== size) throw new Error(`payload size ${out.length} != ${size}`);
  return out;
}

const b64ToBytes = (s) => {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
};
const bytesToB64 = (u8) => {
  let s = "";
  for (let i = 0; i < u8.length; i++) s += String.fromCharCode(u8[i]);
  return btoa(s);
};
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const bytesToHex = (u8) => {
  let s = "";
  for (let i = 0; i < u8.length; i++) s += HEX[u8[i]];
  return s;
};
const hexToBytes = (h) => {
  const out = new Uint8Array(h.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.substr(i * 2, 2), 16);
  return out;
};
const concat = (a, b) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
};

function timeSync(fn, ms) {
  let batch = 1;
  let n = 0;
  const t0 = clock();
  let t = t0;
  for (;;) {
    for (let i = 0; i < batch; i++) fn();
    n += batch;
    t = clock();
    if (t - t0 >= ms) break;
    if (t - t0 < ms / 16) batch *= 2;
  }
  return (n * 1000) / (t - t0);
}

async function timeAsync(fn, ms) {
  let batch = 1;
  let n = 0;
  const t0 = clock();
  let t = t0;
  for (;;) {
    for (let i = 0; i < batch; i++) await fn();
    n += batch;
    t = clock();
    if (t - t0 >= ms) break;
    if (t - t0 < ms / 16) batch *= 2;
  }
  return (n * 1000) / (t - t0);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// Keys: fixed so runs are comparable. Standard Webhooks: 32 bytes, whsec_ base64.
const SW_KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 255);
const SW_SECRET = `whsec_${bytesToB64(SW_KEY)}`;
const GH_SECRET = "It's a Secret to Everybody";
const STRIPE_SECRET = "whsec_bench0123456789abcdefghijklmnop";

/**
 * env: { runtime, version, hookline, receiver? (the hookline/receiver entry), nodeCrypto?: { createHmac, timingSafeEqual, Buffer },
 *        standardwebhooks?, svix?, octokit?, stripe? (a Stripe instance), subtle? }
 * opts: { sizes, rounds, windowMs, warmupMs, ops: ["verify", "sign"], groups, log }
 */
export async function runSuite(env, opts = {}) {
  const sizes = opts.sizes ?? ALL_SIZES;
  const rounds = opts.rounds ?? 5;
  const windowMs = opts.windowMs ?? 150;
  const warmupMs = opts.warmupMs ?? Math.max(20, windowMs / 3);
  const ops = opts.ops ?? ["verify", "sign"];
  const groups = opts.groups ?? ["standard-webhooks", "github", "stripe"];
  const log = opts.log ?? (() => {});
  const h = env.hookline;
  const nc = env.nodeCrypto;
  const subtle = env.subtle ?? globalThis.crypto?.subtle;
  const skipped = [];

  // Reused objects, prepared once (as a receiver keeps them).
  const hlWebhook = new h.Webhook(SW_SECRET);
  const hlSwRaw = new h.Verifier({ scheme: "standard-webhooks", secret: SW_SECRET, jsonParse: false });
  const hlGhRaw = new h.Verifier({ scheme: "github", secret: GH_SECRET, jsonParse: false });
  const hlGh = new h.Verifier({ scheme: "github", secret: GH_SECRET });
  const hlStRaw = new h.Verifier({ scheme: "stripe", secret: STRIPE_SECRET, jsonParse: false });
  const rx = env.receiver;
  const rxWebhook = rx ? new rx.Webhook(SW_SECRET) : null;
  const rxGhRaw = rx ? new rx.Verifier({ scheme: "github", secret: GH_SECRET, jsonParse: false }) : null;
  const swWebhook = env.standardwebhooks ? new env.standardwebhooks.Webhook(SW_SECRET) : null;
  const svixWebhook = env.svix ? new env.svix.Webhook(SW_SECRET) : null;
  const swKey = subtle ? await subtle.importKey("raw", SW_KEY, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]) : null;
  const ghKey = subtle ? await subtle.importKey("raw", enc.encode(GH_SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]) : null;
  const B = nc?.Buffer;
  const swKeyBuf = B ? B.from(SW_KEY) : null;
  // A Buffer view of the same bytes (no copy) for peers that take Buffer but not Uint8Array.
  const asBuffer = (u8) => B.from(u8.buffer, u8.byteOffset, u8.byteLength);

  // Fixtures are re-signed every round (timestamps stay inside the 300 s tolerance for long runs).
  function fixture(size) {
    const str = makePayload(size);
    const bytes = enc.encode(str);
    const ts = Math.floor(Date.now() / 1000);
    const id = `msg_bench${size}`;
    const swHeaders = h.signHeaders({ scheme: "standard-webhooks", secret: SW_SECRET, payload: str, id, timestamp: ts });
    const ghHeaders = h.signHeaders({ scheme: "github", secret: GH_SECRET, payload: str });
    const stHeaders = h.signHeaders({ scheme: "stripe", secret: STRIPE_SECRET, payload: str, timestamp: ts });
    const lower = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
    return {
      size, str, bytes, ts, id, date: new Date(ts * 1000),
      sw: lower(swHeaders), gh: lower(ghHeaders), st: lower(stHeaders),
      buf: B ? asBuffer(bytes) : null,
    };
  }
  const pay = (fx, kind) => (kind === "string" ? fx.str : fx.bytes);

  // Each contender: make(fx, kind) returns the operation; `check` validates one result first.
  const C = [];
  const add = (c) => C.push({ kinds: ["string", "bytes"], async: false, ...c });

  // ---- Standard Webhooks v1, verify ----
  add({ group: "standard-webhooks", op: "verify", id: "hl-noparse", label: "hookline Webhook.verify {jsonParse:false}",
    make: (fx, k) => { const p = pay(fx, k), hd = fx.sw, o = { jsonParse: false }; return () => hlWebhook.verify(p, hd, o); },
    check: (r) => r === undefined });
  add({ group: "standard-webhooks", op: "verify", id: "hl-parse", label: "hookline Webhook.verify (parses JSON)",
    make: (fx, k) => { const p = pay(fx, k), hd = fx.sw; return () => hlWebhook.verify(p, hd); },
    check: (r) => r && r.type === "invoice.paid" });
  add({ group: "standard-webhooks", op: "verify", id: "hl-verifier-raw", label: "hookline Verifier {jsonParse:false}",
    make: (fx, k) => { const p = pay(fx, k), hd = fx.sw; return () => hlSwRaw.verify(p, hd); },
    check: (r) => r && r.scheme === "standard-webhooks" });
  if (rxWebhook) {
    add({ group: "standard-webhooks", op: "verify", id: "rx-noparse", label: "hookline/receiver Webhook.verify {jsonParse:false}",
      make: (fx, k) => { const p = pay(fx, k), hd = fx.sw, o = { jsonParse: false }; return () => rxWebhook.verify(p, hd, o); },
      check: (r) => r === undefined });
  } else skipped.push("hookline/receiver");
  if (swWebhook) {
    add({ group: "standard-webhooks", op: "verify", id: "sw-noparse", label: "standardwebhooks {jsonParse:false}", kinds: B ? ["string", "bytes"] : ["string"],
      make: (fx, k) => { const p = k === "string" ? fx.str : fx.buf, hd = fx.sw, o = { jsonParse: false }; return () => swWebhook.verify(p, hd, o); },
      check: (r) => r === undefined });
    add({ group: "standard-webhooks", op: "verify", id: "sw-parse", label: "standardwebhooks (parses JSON)", kinds: B ? ["string", "bytes"] : ["string"],
      make: (fx, k) => { const p = k === "string" ? fx.str : fx.buf, hd = fx.sw; return () => swWebhook.verify(p, hd); },
      check: (r) => r && r.type === "invoice.paid" });
  } else skipped.push("standardwebhooks");
  if (svixWebhook) {
    add({ group: "standard-webhooks", op: "verify", id: "svix", label: "svix (always parses JSON)", kinds: B ? ["string", "bytes"] : ["string"],
      make: (fx, k) => { const p = k === "string" ? fx.str : fx.buf, hd = fx.sw; return () => svixWebhook.verify(p, hd); },
      check: (r) => r && r.type === "invoice.paid" });
  } else skipped.push("svix");
  if (nc) {
    add({ group: "standard-webhooks", op: "verify", id: "node-crypto", label: "node:crypto createHmac+timingSafeEqual",
      make: (fx, k) => {
        const p = k === "string" ? fx.str : fx.bytes, hd = fx.sw;
        return () => {
          const ts = hd["webhook-timestamp"];
          const now = Math.floor(Date.now() / 1000), t = parseInt(ts, 10);
          if (!(Math.abs(now - t) <= 300)) return false;
          const mac = nc.createHmac("sha256", swKeyBuf).update(`${hd["webhook-id"]}.${ts}.`).update(p).digest();
          for (const s of hd["webhook-signature"].split(" ")) {
            const comma = s.indexOf(",");
            if (s.slice(0, comma) !== "v1") continue;
            const given = B.from(s.slice(comma + 1), "base64");
            if (given.length === mac.length && nc.timingSafeEqual(given, mac)) return true;
          }
          return false;
        };
      },
      check: (r) => r === true });
  } else skipped.push("node:crypto");
  if (subtle) {
    add({ group: "standard-webhooks", op: "verify", id: "webcrypto", label: "WebCrypto subtle.verify (awaited)", async: true,
      make: (fx, k) => {
        const hd = fx.sw;
        return async () => {
          const ts = hd["webhook-timestamp"];
          const now = Math.floor(Date.now() / 1000), t = parseInt(ts, 10);
          if (!(Math.abs(now - t) <= 300)) return false;
          const prefix = `${hd["webhook-id"]}.${ts}.`;
          const data = k === "string" ? enc.encode(prefix + fx.str) : concat(enc.encode(prefix), fx.bytes);
          for (const s of hd["webhook-signature"].split(" ")) {
            const comma = s.indexOf(",");
            if (s.slice(0, comma) !== "v1") continue;
            if (await subtle.verify("HMAC", swKey, b64ToBytes(s.slice(comma + 1)), data)) return true;
          }
          return false;
        };
      },
      check: (r) => r === true });
  } else skipped.push("WebCrypto");

  // ---- GitHub sha256= hex, verify ----
  add({ group: "github", op: "verify", id: "hl-raw", label: "hookline Verifier {scheme:github, jsonParse:false}",
    make: (fx, k) => { const p = pay(fx, k), hd = fx.gh; return () => hlGhRaw.verify(p, hd); },
    check: (r) => r && r.scheme === "github" });
  add({ group: "github", op: "verify", id: "hl-parse", label: "hookline Verifier {scheme:github} (parses JSON)",
    make: (fx, k) => { const p = pay(fx, k), hd = fx.gh; return () => hlGh.verify(p, hd); },
    check: (r) => r && r.payload && r.payload.type === "invoice.paid" });
  if (rxGhRaw) {
    add({ group: "github", op: "verify", id: "rx-raw", label: "hookline/receiver Verifier {scheme:github, jsonParse:false}",
      make: (fx, k) => { const p = pay(fx, k), hd = fx.gh; return () => rxGhRaw.verify(p, hd); },
      check: (r) => r && r.scheme === "github" });
  }
  if (env.octokit) {
    add({ group: "github", op: "verify", id: "octokit", label: `@octokit/webhooks-methods verify (${env.octokitBuild ?? "node"}, awaited)`, kinds: ["string"], async: true,
      make: (fx) => { const p = fx.str, sig = fx.gh["x-hub-signature-256"]; return () => env.octokit.verify(GH_SECRET, p, sig); },
      check: (r) => r === true });
  } else skipped.push("@octokit/webhooks-methods");
  if (nc) {
    add({ group: "github", op: "verify", id: "node-crypto", label: "node:crypto createHmac+timingSafeEqual",
      make: (fx, k) => {
        const p = k === "string" ? fx.str : fx.bytes, hd = fx.gh;
        return () => {
          const sig = hd["x-hub-signature-256"];
          if (!sig.startsWith("sha256=")) return false;
          const given = B.from(sig.slice(7), "hex");
          const mac = nc.createHmac("sha256", GH_SECRET).update(p).digest();
          return given.length === mac.length && nc.timingSafeEqual(given, mac);
        };
      },
      check: (r) => r === true });
  }
  if (subtle) {
    add({ group: "github", op: "verify", id: "webcrypto", label: "WebCrypto subtle.verify (awaited)", async: true,
      make: (fx, k) => {
        const hd = fx.gh;
        return async () => {
          const sig = hd["x-hub-signature-256"];
          if (!sig.startsWith("sha256=")) return false;
          return subtle.verify("HMAC", ghKey, hexToBytes(sig.slice(7)), k === "string" ? enc.encode(fx.str) : fx.bytes);
        };
      },
      check: (r) => r === true });
  }

  // ---- Stripe t=,v1= hex, verify ----
  add({ group: "stripe", op: "verify", id: "hl-raw", label: "hookline Verifier {scheme:stripe, jsonParse:false}",
    make: (fx, k) => { const p = pay(fx, k), hd = fx.st; return () => hlStRaw.verify(p, hd); },
    check: (r) => r && r.scheme === "stripe" });
  if (env.stripe) {
    add({ group: "stripe", op: "verify", id: "stripe", label: "stripe webhooks.signature.verifyHeader", kinds: B ? ["string", "bytes"] : ["string"],
      make: (fx, k) => {
        const p = k === "string" ? fx.str : fx.buf, header = fx.st["stripe-signature"], sig = env.stripe.webhooks.signature;
        return () => sig.verifyHeader(p, header, STRIPE_SECRET, 300);
      },
      check: (r) => r === true });
  } else skipped.push("stripe");
  if (nc) {
    add({ group: "stripe", op: "verify", id: "node-crypto", label: "node:crypto createHmac+timingSafeEqual",
      make: (fx, k) => {
        const p = k === "string" ? fx.str : fx.bytes, hd = fx.st;
        return () => {
          let t = null;
          const v1 = [];
          for (const part of hd["stripe-signature"].split(",")) {
            const eq = part.indexOf("=");
            const key = part.slice(0, eq);
            if (key === "t") t = part.slice(eq + 1);
            else if (key === "v1") v1.push(part.slice(eq + 1));
          }
          if (t === null || !(Math.abs(Math.floor(Date.now() / 1000) - Number(t)) <= 300)) return false;
          const mac = nc.createHmac("sha256", STRIPE_SECRET).update(`${t}.`).update(p).digest();
          for (const s of v1) {
            const given = B.from(s, "hex");
            if (given.length === mac.length && nc.timingSafeEqual(given, mac)) return true;
          }
          return false;
        };
      },
      check: (r) => r === true });
  }

  // ---- Standard Webhooks v1, sign ----
  add({ group: "standard-webhooks", op: "sign", id: "hl", label: "hookline Webhook.sign",
    make: (fx, k) => { const p = pay(fx, k), id = fx.id, d = fx.date; return () => hlWebhook.sign(id, d, p); },
    check: (r, fx) => r === fx.sw["webhook-signature"] });
  if (swWebhook) {
    add({ group: "standard-webhooks", op: "sign", id: "sw", label: "standardwebhooks sign", kinds: B ? ["string", "bytes"] : ["string"],
      make: (fx, k) => { const p = k === "string" ? fx.str : fx.buf, id = fx.id, d = fx.date; return () => swWebhook.sign(id, d, p); },
      check: (r, fx) => r === fx.sw["webhook-signature"] });
  }
  if (nc) {
    add({ group: "standard-webhooks", op: "sign", id: "node-crypto", label: "node:crypto createHmac",
      make: (fx, k) => {
        const p = k === "string" ? fx.str : fx.bytes, id = fx.id, ts = fx.ts;
        return () => `v1,${nc.createHmac("sha256", swKeyBuf).update(`${id}.${ts}.`).update(p).digest("base64")}`;
      },
      check: (r, fx) => r === fx.sw["webhook-signature"] });
  }
  if (subtle) {
    add({ group: "standard-webhooks", op: "sign", id: "webcrypto", label: "WebCrypto subtle.sign (awaited)", async: true,
      make: (fx, k) => {
        const prefix = `${fx.id}.${fx.ts}.`;
        return async () => {
          const data = k === "string" ? enc.encode(prefix + fx.str) : concat(enc.encode(prefix), fx.bytes);
          return `v1,${bytesToB64(new Uint8Array(await subtle.sign("HMAC", swKey, data)))}`;
        };
      },
      check: (r, fx) => r === fx.sw["webhook-signature"] });
  }

  // ---- GitHub, sign ----
  add({ group: "github", op: "sign", id: "hl", label: "hookline signHeaders {scheme:github} (key per call)",
    make: (fx, k) => { const p = pay(fx, k), o = { scheme: "github", secret: GH_SECRET, payload: p }; return () => h.signHeaders(o); },
    check: (r, fx) => r["x-hub-signature-256"] === fx.gh["x-hub-signature-256"] });
  if (env.octokit) {
    add({ group: "github", op: "sign", id: "octokit", label: "@octokit/webhooks-methods sign (awaited)", kinds: ["string"], async: true,
      make: (fx) => { const p = fx.str; return () => env.octokit.sign(GH_SECRET, p); },
      check: (r, fx) => r === fx.gh["x-hub-signature-256"] });
  }
  if (nc) {
    add({ group: "github", op: "sign", id: "node-crypto", label: "node:crypto createHmac",
      make: (fx, k) => { const p = k === "string" ? fx.str : fx.bytes; return () => `sha256=${nc.createHmac("sha256", GH_SECRET).update(p).digest("hex")}`; },
      check: (r, fx) => r === fx.gh["x-hub-signature-256"] });
  }
  if (subtle) {
    add({ group: "github", op: "sign", id: "webcrypto", label: "WebCrypto subtle.sign (awaited)", async: true,
      make: (fx, k) => async () => `sha256=${bytesToHex(new Uint8Array(await subtle.sign("HMAC", ghKey, k === "string" ? enc.encode(fx.str) : fx.bytes)))}`,
      check: (r, fx) => r === fx.gh["x-hub-signature-256"] });
  }

  const active = C.filter((c) => ops.includes(c.op) && groups.includes(c.group));
  const cases = [];
  for (const op of ops) for (const group of groups) for (const size of sizes) for (const kind of ["string", "bytes"]) {
    const cs = active.filter((c) => c.op === op && c.group === group && c.kinds.includes(kind));
    if (cs.length) cases.push({ op, group, size, kind, contenders: cs, samples: Object.fromEntries(cs.map((c) => [c.id, []])) });
  }

  // Check every contender once on a fresh fixture, then warm each up.
  for (const size of sizes) {
    const fx = fixture(size);
    for (const cs of cases.filter((x) => x.size === size)) {
      for (const c of cs.contenders) {
        const fn = c.make(fx, cs.kind);
        const r = c.async ? await fn() : fn();
        if (!c.check(r, fx)) throw new Error(`${env.runtime}: ${c.group} ${c.op} ${c.label} (${size} B ${cs.kind}) returned ${JSON.stringify(r)?.slice(0, 200)}`);
        if (c.async) await timeAsync(fn, warmupMs);
        else timeSync(fn, warmupMs);
      }
    }
  }

  for (let round = 0; round < rounds; round++) {
    const t0 = clock();
    const fixtures = new Map(sizes.map((s) => [s, fixture(s)]));
    for (const cs of cases) {
      const fx = fixtures.get(cs.size);
      // Rotate the starting contender each round, so no one always runs first after a case switch.
      const n = cs.contenders.length;
      for (let j = 0; j < n; j++) {
        const c = cs.contenders[(j + round) % n];
        const fn = c.make(fx, cs.kind);
        cs.samples[c.id].push(c.async ? await timeAsync(fn, windowMs) : timeSync(fn, windowMs));
      }
    }
    log(`${env.runtime}: round ${round + 1}/${rounds} done in ${((clock() - t0) / 1000).toFixed(1)} s`);
  }

  return {
    runtime: env.runtime,
    version: env.version,
    rounds,
    windowMs,
    skipped: [...new Set(skipped)],
    notes: env.notes ?? [],
    cases: cases.map((cs) => ({
      op: cs.op, group: cs.group, size: cs.size, kind: cs.kind,
      results: Object.fromEntries(cs.contenders.map((c) => [c.id, { label: c.label, median: median(cs.samples[c.id]), samples: cs.samples[c.id] }])),
    })),
  };
}
